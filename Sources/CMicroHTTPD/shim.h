#ifndef UNIONCARD_CMICROHTTPD_SHIM_H
#define UNIONCARD_CMICROHTTPD_SHIM_H

/*
 * Non-variadic faces of the libmicrohttpd calls Swift cannot import (MHD_start_daemon,
 * MHD_get_daemon_info and MHD_get_connection_info are C-variadic), plus the few macros Swift
 * does not see. Everything else is used straight from <microhttpd.h>.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

/// Everything cmhd_start_daemon passes to MHD_start_daemon; every option is set explicitly.
typedef struct cmhd_daemon_options {
    /// MHD_FLAG bits (MHD_USE_...).
    unsigned int flags;
    /// The address to bind, including the port (0 = the OS picks). Copied by MHD.
    const struct sockaddr *address;
    unsigned int thread_pool_size;
    unsigned int connection_limit;
    /// 0 = unlimited.
    unsigned int per_ip_connection_limit;
    /// Idle timeout in seconds; 0 would mean "never", so callers should not pass it.
    unsigned int connection_timeout_seconds;
    size_t connection_memory_limit_bytes;
    MHD_AccessHandlerCallback access_handler;
    void *access_handler_cls;
    MHD_RequestCompletedCallback completed_handler;
    void *completed_handler_cls;
    /// A listening socket to use instead of binding `address` (socket activation), or -1.
    int listen_socket;
} cmhd_daemon_options;

/// MHD_start_daemon with a fixed option list ended by MHD_OPTION_END. NULL on failure.
static inline struct MHD_Daemon *cmhd_start_daemon(const cmhd_daemon_options *o) {
    uint16_t port = 0;
    if (o->address != NULL && o->address->sa_family == AF_INET) {
        port = ntohs(((const struct sockaddr_in *)o->address)->sin_port);
    } else if (o->address != NULL && o->address->sa_family == AF_INET6) {
        port = ntohs(((const struct sockaddr_in6 *)o->address)->sin6_port);
    }
    /* MHD reads each variadic option with va_arg of its documented type: cast exactly. */
    if (o->listen_socket >= 0) {
        return MHD_start_daemon(
            o->flags, 0,
            NULL, NULL,
            o->access_handler, o->access_handler_cls,
            MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)o->thread_pool_size,
            MHD_OPTION_CONNECTION_LIMIT, (unsigned int)o->connection_limit,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)o->per_ip_connection_limit,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)o->connection_timeout_seconds,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)o->connection_memory_limit_bytes,
            MHD_OPTION_NOTIFY_COMPLETED, o->completed_handler, o->completed_handler_cls,
            MHD_OPTION_LISTEN_SOCKET, (MHD_socket)o->listen_socket,
            MHD_OPTION_END);
    }
    return MHD_start_daemon(
        o->flags, port,
        NULL, NULL, /* no accept policy callback */
        o->access_handler, o->access_handler_cls,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)o->thread_pool_size,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)o->connection_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)o->per_ip_connection_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)o->connection_timeout_seconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)o->connection_memory_limit_bytes,
        MHD_OPTION_NOTIFY_COMPLETED, o->completed_handler, o->completed_handler_cls,
        MHD_OPTION_SOCK_ADDR, o->address,
        MHD_OPTION_END);
}

/// The port the daemon's listening socket is bound to, or 0 when unknown.
static inline uint16_t cmhd_daemon_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/// The peer address of a connection (owned by MHD, valid during the callback), or NULL.
static inline const struct sockaddr *cmhd_connection_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info == NULL ? NULL : info->client_addr;
}

/// MHD_INVALID_SOCKET is a macro Swift does not import.
static const int CMHD_INVALID_SOCKET = MHD_INVALID_SOCKET;

/// Body size of a streamed response whose length is not known (chunked encoding on HTTP/1.1).
static const uint64_t CMHD_SIZE_UNKNOWN = MHD_SIZE_UNKNOWN;
/// Content-reader results: the body is complete / generating it failed (the connection is closed).
static const ssize_t CMHD_CONTENT_READER_END_OF_STREAM = MHD_CONTENT_READER_END_OF_STREAM;
static const ssize_t CMHD_CONTENT_READER_END_WITH_ERROR = MHD_CONTENT_READER_END_WITH_ERROR;

#endif
