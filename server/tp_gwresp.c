/*
 * tp_gwresp.c: the gateway response table and HTTP reason phrases.
 * Used by the master (config) and workers (answers).
 * Values from ../shared/reference/errors.md.
 */
#include "tp_gwresp.h"

static const struct tp_gwresp gwresps[TP_GW__COUNT] = {
    [TP_GW_ACCESS_DENIED] = { "ACCESS_DENIED", 403, "AccessDeniedException",
        "User is not authorized to access this resource", 403, "Forbidden" },
    [TP_GW_API_CONFIGURATION_ERROR] = { "API_CONFIGURATION_ERROR", 500,
        "InternalServerErrorException", "Internal server error",
        500, "Internal Server Error" },
    [TP_GW_AUTHORIZER_CONFIGURATION_ERROR] = {
        "AUTHORIZER_CONFIGURATION_ERROR", 500,
        "AuthorizerConfigurationException", NULL,
        500, "Internal Server Error" },
    [TP_GW_AUTHORIZER_FAILURE] = { "AUTHORIZER_FAILURE", 500,
        "AuthorizerFailureException", "Internal server error",
        500, "Internal Server Error" },
    [TP_GW_BAD_REQUEST_PARAMETERS] = { "BAD_REQUEST_PARAMETERS", 400,
        "BadRequestException", "Missing required request parameters",
        400, "Bad Request" },
    [TP_GW_BAD_REQUEST_BODY] = { "BAD_REQUEST_BODY", 400,
        "BadRequestException", "Invalid request body", 400, "Bad Request" },
    [TP_GW_DEFAULT_4XX] = { "DEFAULT_4XX", 400, "BadRequestException",
        "Bad Request", 400, "Bad Request" },
    [TP_GW_DEFAULT_5XX] = { "DEFAULT_5XX", 500,
        "InternalServerErrorException", "Internal server error",
        500, "Internal Server Error" },
    [TP_GW_EXPIRED_TOKEN] = { "EXPIRED_TOKEN", 403, "ExpiredTokenException",
        "The security token included in the request is expired",
        403, "Forbidden" },
    [TP_GW_INTEGRATION_FAILURE] = { "INTEGRATION_FAILURE", 502,
        "InternalServerErrorException", "Internal server error",
        500, "Internal Server Error" },
    [TP_GW_INTEGRATION_TIMEOUT] = { "INTEGRATION_TIMEOUT", 504,
        "InternalServerErrorException", "Endpoint request timed out",
        503, "Service Unavailable" },
    [TP_GW_INVALID_API_KEY] = { "INVALID_API_KEY", 403, "ForbiddenException",
        "Forbidden", 403, "Forbidden" },
    [TP_GW_INVALID_SIGNATURE] = { "INVALID_SIGNATURE", 403,
        "InvalidSignatureException", "Invalid signature", 403, "Forbidden" },
    [TP_GW_MISSING_AUTHENTICATION_TOKEN] = { "MISSING_AUTHENTICATION_TOKEN",
        403, "MissingAuthenticationTokenException",
        "Missing Authentication Token", 404, "Not Found" },
    [TP_GW_QUOTA_EXCEEDED] = { "QUOTA_EXCEEDED", 429,
        "LimitExceededException", "Limit Exceeded", 429,
        "Too Many Requests" },
    [TP_GW_REQUEST_TOO_LARGE] = { "REQUEST_TOO_LARGE", 413,
        "RequestTooLargeException", "Request Too Long",
        413, "Request Entity Too Large" },
    [TP_GW_RESOURCE_NOT_FOUND] = { "RESOURCE_NOT_FOUND", 404,
        "ResourceNotFoundException", "Not Found", 404, "Not Found" },
    [TP_GW_THROTTLED] = { "THROTTLED", 429, "TooManyRequestsException",
        "Too Many Requests", 429, "Too Many Requests" },
    [TP_GW_UNAUTHORIZED] = { "UNAUTHORIZED", 401, "UnauthorizedException",
        "Unauthorized", 401, "Unauthorized" },
    [TP_GW_UNSUPPORTED_MEDIA_TYPE] = { "UNSUPPORTED_MEDIA_TYPE", 415,
        "BadRequestException", "Unsupported Media Type",
        415, "Unsupported Media Type" },
    [TP_GW_WAF_FILTERED] = { "WAF_FILTERED", 403, "WafFilteredException",
        "Forbidden", 403, "Forbidden" },
    [TP_GW_NOT_FOUND] = { "RESOURCE_NOT_FOUND", 404, "NotFoundException",
        "Not Found", 404, "Not Found" },
    [TP_GW_FORBIDDEN] = { "ACCESS_DENIED", 403, "ForbiddenException",
        "Forbidden", 403, "Forbidden" },
    [TP_GW_INTERNAL] = { "DEFAULT_5XX", 500, "InternalServerErrorException",
        "Internal server error", 500, "Internal Server Error" },
};

int
tp_gwresp_from_name(const char *name)
{
    int i;

    for (i = 0; i < TP_GW__AWS_COUNT; i++) {
        if (strcmp(gwresps[i].type, name) == 0) {
            return i;
        }
    }
    return -1;
}

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
