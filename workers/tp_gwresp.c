/*
 * tp_gwresp.c: the gateway response table and HTTP reason phrases.
 * Workers only.  Values from ../shared/reference/errors.md.
 */
#include "tp_gwresp.h"

static const struct tp_gwresp gwresps[TP_GW__COUNT] = {
    [TP_GW_MISSING_AUTHENTICATION_TOKEN] = { "MISSING_AUTHENTICATION_TOKEN",
        403, "MissingAuthenticationTokenException",
        "Missing Authentication Token", 404, "Not Found" },
    [TP_GW_REQUEST_TOO_LARGE] = { "REQUEST_TOO_LARGE", 413,
        "RequestTooLargeException", "Request Too Long",
        413, "Request Entity Too Large" },
    [TP_GW_INTEGRATION_FAILURE] = { "INTEGRATION_FAILURE", 502,
        "InternalServerErrorException", "Internal server error",
        500, "Internal Server Error" },
    [TP_GW_INTEGRATION_TIMEOUT] = { "INTEGRATION_TIMEOUT", 504,
        "InternalServerErrorException", "Endpoint request timed out",
        503, "Service Unavailable" },
    [TP_GW_API_CONFIGURATION_ERROR] = { "API_CONFIGURATION_ERROR", 500,
        "InternalServerErrorException", "Internal server error",
        500, "Internal Server Error" },
    [TP_GW_NOT_FOUND] = { "RESOURCE_NOT_FOUND", 404, "NotFoundException",
        "Not Found", 404, "Not Found" },
    [TP_GW_INTERNAL] = { "DEFAULT_5XX", 500, "InternalServerErrorException",
        "Internal server error", 500, "Internal Server Error" },
    [TP_GW_BAD_REQUEST] = { "DEFAULT_4XX", 400, "BadRequestException",
        "Bad Request", 400, "Bad Request" },
};

const struct tp_gwresp *
tp_gwresp_get(enum tp_gw type)
{
    return &gwresps[type];
}

const char *
tp_http_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}
