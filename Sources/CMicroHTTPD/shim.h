#ifndef UNIONCARD_CMICROHTTPD_SHIM_H
#define UNIONCARD_CMICROHTTPD_SHIM_H

/*
 * Non-variadic faces of the libmicrohttpd calls Swift cannot import (MHD_start_daemon,
 * MHD_get_daemon_info and MHD_get_connection_info are C-variadic), plus the few macros Swift
 * does not see. Everything else is used straight from <microhttpd.h>, and for HTTPS from
 * <gnutls/gnutls.h> (Debian's libmicrohttpd12 is built against GnuTLS).
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

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
    /// HTTPS: the PEM certificate chain and key MHD loads at start (NUL-terminated; MHD keeps
    /// the pointers, so they must live until MHD_stop_daemon). NULL for plain HTTP.
    const char *tls_certificate_pem;
    const char *tls_key_pem;
    /// HTTPS: a GnuTLS priority string (NUL-terminated). Ignored for plain HTTP.
    const char *tls_priorities;
    /// Called when a connection starts and when it is closed; NULL for none.
    MHD_NotifyConnectionCallback connection_notifier;
    void *connection_notifier_cls;
} cmhd_daemon_options;

/*
 * The options both forms of cmhd_start_daemon pass after the listening address. An option whose
 * value is NULL would end the list there, so the optional ones come last: the notifier (always
 * set by the Swift side), then the three HTTPS options, which MHD_OPTION_END replaces for plain
 * HTTP.
 */
#define CMHD_TRAILING_OPTIONS(o) \
    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(o)->thread_pool_size, \
    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)(o)->connection_limit, \
    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)(o)->per_ip_connection_limit, \
    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)(o)->connection_timeout_seconds, \
    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(o)->connection_memory_limit_bytes, \
    MHD_OPTION_NOTIFY_COMPLETED, (o)->completed_handler, (o)->completed_handler_cls, \
    MHD_OPTION_NOTIFY_CONNECTION, (o)->connection_notifier, (o)->connection_notifier_cls, \
    (o)->tls_certificate_pem != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, \
    (o)->tls_certificate_pem, \
    MHD_OPTION_HTTPS_MEM_KEY, (o)->tls_key_pem, \
    MHD_OPTION_HTTPS_PRIORITIES, (o)->tls_priorities, \
    MHD_OPTION_END

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
            NULL, NULL, /* no accept policy callback */
            o->access_handler, o->access_handler_cls,
            MHD_OPTION_LISTEN_SOCKET, (MHD_socket)o->listen_socket,
            CMHD_TRAILING_OPTIONS(o));
    }
    return MHD_start_daemon(
        o->flags, port,
        NULL, NULL, /* no accept policy callback */
        o->access_handler, o->access_handler_cls,
        MHD_OPTION_SOCK_ADDR, o->address,
        CMHD_TRAILING_OPTIONS(o));
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

/// The GnuTLS session of an HTTPS connection, or NULL (plain HTTP).
static inline gnutls_session_t cmhd_connection_tls_session(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    return info == NULL ? NULL : (gnutls_session_t)info->tls_session;
}

/// The socket context a MHD_NotifyConnectionCallback stored for the connection, or NULL.
static inline void *cmhd_connection_socket_context(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info == NULL ? NULL : info->socket_context;
}

/// GNUTLS_KP_TLS_WWW_CLIENT (a macro Swift does not import): the clientAuth key purpose OID.
static const char *const CMHD_KEY_PURPOSE_TLS_CLIENT = GNUTLS_KP_TLS_WWW_CLIENT;

/// MHD_INVALID_SOCKET is a macro Swift does not import.
static const int CMHD_INVALID_SOCKET = MHD_INVALID_SOCKET;

/// Body size of a streamed response whose length is not known (chunked encoding on HTTP/1.1).
static const uint64_t CMHD_SIZE_UNKNOWN = MHD_SIZE_UNKNOWN;
/// Content-reader results: the body is complete / generating it failed (the connection is closed).
static const ssize_t CMHD_CONTENT_READER_END_OF_STREAM = MHD_CONTENT_READER_END_OF_STREAM;
static const ssize_t CMHD_CONTENT_READER_END_WITH_ERROR = MHD_CONTENT_READER_END_WITH_ERROR;

#endif
