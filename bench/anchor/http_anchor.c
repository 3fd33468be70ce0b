/*
 * The HTTP bound of `make bench`: libmicrohttpd doing nothing but answering, configured like
 * unioncardd's HTTPServer (Sources/HTTPServer/HTTPServer.swift + Sources/CMicroHTTPD/shim.h):
 * internal polling thread + epoll + ITC, a thread pool of the daemon's `threads`, the same
 * connection limit, timeout and per-connection memory. Every request gets the same ~200-byte
 * JSON, so what wrk measures against it is the ceiling of "HTTP on this machine": parsing,
 * epoll, syscalls, the load generator — no Swift, no database.
 *
 *     http_anchor PORT THREADS
 *
 * Runs until SIGTERM/SIGINT. Built by bench/run with: gcc -O2 http_anchor.c -lmicrohttpd
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <microhttpd.h>

/* Shaped like an eligible lookup answer (a bit shorter than a real one); 200-ish bytes. */
static const char BODY[] =
    "{\"verification_id\":\"00000000-0000-4000-8000-000000000000\",\"eligible\":true,"
    "\"reason\":null,\"code_type\":\"card\",\"card_kind\":\"regular\","
    "\"member\":{\"display_name\":\"N. V. An\"},\"discount\":{\"percent\":10,\"amount_vnd\":25000}}";

static struct MHD_Response *response; /* built once, shared by every request (MHD refcounts it) */

/*
 * Called like unioncardd's handler: the first call (headers read) only marks the request, the
 * final call answers. unioncardd allocates its per-request state there; we only use a marker,
 * which is the point: this is the cost of HTTP alone.
 */
static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls) {
    (void)cls; (void)url; (void)method; (void)version; (void)upload_data;
    static int marker;
    if (*con_cls == NULL) {
        *con_cls = &marker;
        return MHD_YES;
    }
    if (*upload_data_size > 0) { /* discard any body, as the daemon would for a GET */
        *upload_data_size = 0;
        return MHD_YES;
    }
    return MHD_queue_response(connection, MHD_HTTP_OK, response);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT THREADS\n", argv[0]);
        return 2;
    }
    unsigned int port = (unsigned int)atoi(argv[1]);
    unsigned int threads = (unsigned int)atoi(argv[2]);
    if (port == 0 || port > 65535 || threads == 0) {
        fprintf(stderr, "bad PORT or THREADS\n");
        return 2;
    }
    /* Block the stop signals before MHD starts its threads (they inherit the mask), as the
     * daemon does; sigwait below takes them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    response = MHD_create_response_from_buffer(sizeof BODY - 1, (void *)BODY, MHD_RESPMEM_PERSISTENT);
    if (response == NULL || MHD_add_response_header(response, "Content-Type", "application/json") != MHD_YES) {
        fprintf(stderr, "cannot build the response\n");
        return 1;
    }
    /* Bind 127.0.0.1 only, like the bench's daemon. */
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    /* Same flags and limits as HTTPServer.start() with unioncardd's defaults. */
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_EPOLL, (uint16_t)port,
        NULL, NULL, answer, NULL,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)0,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "MHD_start_daemon failed on port %u\n", port);
        return 1;
    }
    fprintf(stderr, "http_anchor listening on 127.0.0.1:%u, %u threads\n", port, threads);
    int received = 0;
    sigwait(&stop, &received);
    MHD_stop_daemon(daemon);
    MHD_destroy_response(response);
    return 0;
}
