/*
 * tp_http_parse.c: the HTTP/1.1 message parser (RFC 9110/9112): request and
 * status lines, header fields with the framing semantics a gateway must get
 * right (request smuggling), and the chunked transfer coding.  Run by the
 * workers on every client request and every upstream response.
 *
 * Each grammar is an explicit state machine whose state lives in the caller's
 * struct, so a call resumes exactly where the previous one stopped; a run of
 * bytes within one state is consumed by a single lookup-table loop.
 *
 * Details the header leaves open:
 *   - max_line counts the request line with its CRLF, not the empty lines
 *     skipped before it; a request line that reaches max_head is also 414.
 *   - max_head is clamped to 65535 (the uint16 lengths of struct
 *     tp_http_hdr).
 *   - 417 is returned once the whole head is parsed and valid, with all the
 *     results set, so the caller knows the framing of the body it refuses.
 *   - For an absolute-form target, "scheme://authority" sits between
 *     method_off + method_len + 1 and target_off (the path).
 *   - Stricter than the grammar where hops may disagree: '#' in a target,
 *     userinfo, schemes other than http(s), a Host that is not
 *     uri-host[:port], transfer-codings with parameters (400, not 501),
 *     Transfer-Encoding in an HTTP/1.0 response (502), whitespace after a
 *     chunk size not followed by ';', chunk sizes of over 16 hex digits.
 *   - After TP_OK or an error, further calls return the same result.
 *
 * Private use of the scratch fields of struct tp_http_msg:
 *   mark           start of the current token (scheme, version, status
 *                  code); the error code once the state is HP_ERROR
 *   mark2          start of the authority of an absolute-form target
 *   line_start_hi  PRIV_* bits and the number of skipped empty lines
 *   hdrs[nhdrs]    the field being parsed (name_off, name_len, value_off)
 */
#include "tp_http_parse.h"

/* Records why a message was refused (for the error body) and returns <rc>. */
#define FAIL(m, rc, text) ((m)->why = (text), (rc))

/* Character classes: one bit each in ctype[]. */
#define CT_TOKEN    0x01    /* tchar (RFC 9110 5.6.2) */
#define CT_VALUE    0x02    /* field-vchar, obs-text, SP, HTAB (9110 5.5) */
#define CT_PATH     0x04    /* path bytes: VCHAR except '?' and '#' */
#define CT_QUERY    0x08    /* query bytes: VCHAR except '#' */
#define CT_HOST     0x10    /* uri-host, ':' port, IP literal brackets */
#define CT_SCHEME   0x20    /* scheme (RFC 3986 3.1) */
#define CT_DIGIT    0x40
#define CT_HEX      0x80

/* Generated from the RFC definitions; each row is 8 bytes from its label. */
static const uint8_t ctype[256] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  /* 00 */
    0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  /* 08 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  /* 10 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  /* 18 */
    0x02, 0x1f, 0x0e, 0x03, 0x1f, 0x1f, 0x1f, 0x1f,  /* 20 */
    0x1e, 0x1e, 0x1f, 0x3f, 0x1e, 0x3f, 0x3f, 0x0e,  /* 28 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  /* 30 */
    0xff, 0xff, 0x1e, 0x1e, 0x0e, 0x1e, 0x0e, 0x0a,  /* 38 */
    0x0e, 0xbf, 0xbf, 0xbf, 0xbf, 0xbf, 0xbf, 0x3f,  /* 40 */
    0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,  /* 48 */
    0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,  /* 50 */
    0x3f, 0x3f, 0x3f, 0x1e, 0x0e, 0x1e, 0x0f, 0x1f,  /* 58 */
    0x0f, 0xbf, 0xbf, 0xbf, 0xbf, 0xbf, 0xbf, 0x3f,  /* 60 */
    0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,  /* 68 */
    0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,  /* 70 */
    0x3f, 0x3f, 0x3f, 0x0e, 0x0f, 0x0e, 0x1f, 0x00,  /* 78 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* 80 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* 88 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* 90 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* 98 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* a0 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* a8 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* b0 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* b8 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* c0 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* c8 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* d0 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* d8 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* e0 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* e8 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* f0 */
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,  /* f8 */
};

#define HEAD_MAX        65535   /* hdr lengths are uint16: heads stay below */
#define EMPTY_LINES_MAX 4       /* empty lines skipped before a request */
#define CL_MAX          (INT64_C(1) << 62)
#define CHUNK_EXT_MAX   4096    /* bytes of extensions on one size line */
#define TRAILER_MAX     8192    /* bytes of the trailer section */

/* Bits of line_start_hi. */
#define PRIV_EMPTY_MASK 0x000fu /* empty lines skipped before the request */
#define PRIV_EXPECT_BAD 0x0010u /* an Expect we cannot meet: 417 at the end */

/*
 * States of a message head; requests and responses share the field lines.
 * The order matters: parse_head tests ranges, and the SLASH states step.
 */
enum hp_state {
    HP_INIT = 0,        /* nothing parsed: a zeroed struct starts here */
    HP_RQ_START,        /* before the method, skipping empty lines */
    HP_RQ_EMPTY_LF,     /* CR of a leading empty line seen */
    HP_RQ_METHOD,
    HP_RQ_TARGET,       /* first byte of the request-target */
    HP_RQ_PATH,         /* origin-form path (also of absolute-form) */
    HP_RQ_QUERY,
    HP_RQ_ASTERISK,     /* "*" seen, SP must follow */
    HP_RQ_SCHEME,       /* absolute-form */
    HP_RQ_SLASH1,
    HP_RQ_SLASH2,
    HP_RQ_AUTHORITY,
    HP_RQ_CONNECT,      /* authority-form */
    HP_RQ_VERSION,
    HP_RQ_LF,           /* CR at the end of the request line seen */
    HP_RS_VERSION,
    HP_RS_CODE,
    HP_RS_REASON,
    HP_RS_LF,           /* CR at the end of the status line seen */
    HP_HD_START,        /* start of a field line or of the empty line */
    HP_HD_NAME,
    HP_HD_OWS,          /* whitespace before the field value */
    HP_HD_VALUE,
    HP_HD_LF,           /* CR at the end of a field line seen */
    HP_HD_END_LF,       /* CR of the final empty line seen */
    HP_DONE,
    HP_ERROR
};

/* States of the chunked decoder; the order matters (ranges are tested). */
enum ck_state {
    CK_SIZE = 0,        /* chunk-size digits: a zeroed struct starts here */
    CK_SIZE_WS,         /* BWS after the size: only ';' may follow */
    CK_EXT,             /* chunk extensions, up to the end of the line */
    CK_SIZE_LF,         /* CR of the size line seen */
    CK_DATA,
    CK_DATA_CR,         /* the line break after the data */
    CK_DATA_LF,
    CK_TR_START,        /* start of a trailer field or of the empty line */
    CK_TR_NAME,
    CK_TR_VALUE,
    CK_TR_LF,           /* CR at the end of a trailer field seen */
    CK_END_LF,          /* CR of the final empty line seen */
    CK_DONE,
    CK_ERROR
};

static const struct {
    const char *name;
    size_t len;
} methods[] = {
    [TP_HTTP_OTHER] = { NULL, 0 },
    [TP_HTTP_GET] = { "GET", 3 },
    [TP_HTTP_HEAD] = { "HEAD", 4 },
    [TP_HTTP_POST] = { "POST", 4 },
    [TP_HTTP_PUT] = { "PUT", 3 },
    [TP_HTTP_DELETE] = { "DELETE", 6 },
    [TP_HTTP_OPTIONS] = { "OPTIONS", 7 },
    [TP_HTTP_PATCH] = { "PATCH", 5 },
    [TP_HTTP_CONNECT] = { "CONNECT", 7 },
    [TP_HTTP_TRACE] = { "TRACE", 5 }
};

/* Index of the first byte at or after <i> not in class <cls>, or <end>. */
static inline size_t
scan(const char *b, size_t i, size_t end, unsigned cls)
{
    /* Unrolled by four: nearly all parsing time is spent here. */
    while (end - i >= 4) {
        if ((ctype[(unsigned char) b[i]] & cls) == 0) {
            return i;
        }
        if ((ctype[(unsigned char) b[i + 1]] & cls) == 0) {
            return i + 1;
        }
        if ((ctype[(unsigned char) b[i + 2]] & cls) == 0) {
            return i + 2;
        }
        if ((ctype[(unsigned char) b[i + 3]] & cls) == 0) {
            return i + 3;
        }
        i += 4;
    }
    while (i < end && (ctype[(unsigned char) b[i]] & cls) != 0) {
        i++;
    }
    return i;
}

static inline bool
is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static inline size_t
skip_ows(const char *p, size_t i, size_t n)
{
    while (i < n && is_ows(p[i])) {
        i++;
    }
    return i;
}

static inline unsigned char
lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char) (c | 0x20) : c;
}

/* ASCII case-insensitive equality of <p, n> with <s, slen>. */
static bool
caseeq(const char *p, size_t n, const char *s, size_t slen)
{
    size_t i;

    if (n != slen) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if (lower((unsigned char) p[i]) != lower((unsigned char) s[i])) {
            return false;
        }
    }
    return true;
}

#define CASEEQ(p, n, lit) caseeq((p), (n), (lit), sizeof(lit) - 1)

void
tp_http_msg_init(struct tp_http_msg *m)
{
    /* hdrs[] is always written before it is read: leave its 1 KiB alone. */
    memset(m, 0, offsetof(struct tp_http_msg, hdrs));
    m->content_length = -1;
    m->host_idx = -1;
}

enum tp_http_method
tp_http_method_from(const char *p, size_t len)
{
    size_t i;

    /* Methods are case-sensitive (RFC 9110 9.1). */
    for (i = 1; i < TP_NELEM(methods); i++) {
        if (methods[i].len == len && memcmp(methods[i].name, p, len) == 0) {
            return (enum tp_http_method) i;
        }
    }
    return TP_HTTP_OTHER;
}

const char *
tp_http_method_name(enum tp_http_method m)
{
    if ((size_t) m >= TP_NELEM(methods)) {
        return NULL;
    }
    return methods[m].name;
}

int
tp_http_find_header(const struct tp_http_msg *m, const char *buf,
    const char *name, int from)
{
    size_t n = strlen(name);
    int i;

    for (i = from < 0 ? 0 : from; i < (int) m->nhdrs; i++) {
        const struct tp_http_hdr *h = &m->hdrs[i];

        if (caseeq(buf + h->name_off, h->name_len, name, n)) {
            return i;
        }
    }
    return -1;
}

/*
 * uri-host [ ":" port ] (RFC 9110 4.2.3, 7.2), the port required for
 * CONNECT.  IP literals must be bracketed, so any other ':' starts the port;
 * a Host header may be empty, but a port needs a host before it.
 */
static bool
valid_host(const char *p, size_t n, bool need_port)
{
    size_t i = 0, port;

    if (n > 0 && p[0] == '[') {
        i = 1;
        while (i < n && ((ctype[(unsigned char) p[i]] & CT_HEX) != 0
                         || p[i] == ':' || p[i] == '.'))
        {
            i++;
        }
        if (i == 1 || i == n || p[i] != ']') {
            return false;
        }
        i++;
    } else {
        while (i < n && (ctype[(unsigned char) p[i]] & CT_HOST) != 0
               && p[i] != ':' && p[i] != '[' && p[i] != ']')
        {
            i++;
        }
    }
    if (i == n) {
        return !need_port;
    }
    if (i == 0 || p[i] != ':') {
        return false;
    }
    port = ++i;
    i = scan(p, i, n, CT_DIGIT);
    return i == n && n - port <= 5 && (n > port || !need_port);
}

/* Only http and https targets are ours to route (RFC 9110 4.2). */
static bool
http_scheme(const char *p, size_t n)
{
    return CASEEQ(p, n, "http") || CASEEQ(p, n, "https");
}

/* HTTP-version = "HTTP/" DIGIT "." DIGIT; the name is case-sensitive. */
static int
check_version(struct tp_http_msg *m, const char *p, size_t n)
{
    if (n != 8 || memcmp(p, "HTTP/", 5) != 0 || p[6] != '.'
        || (ctype[(unsigned char) p[5]] & CT_DIGIT) == 0
        || (ctype[(unsigned char) p[7]] & CT_DIGIT) == 0)
    {
        return FAIL(m, TP_HTTP_E400, "malformed HTTP version");
    }
    if (p[5] != '1' || (p[7] != '0' && p[7] != '1')) {
        return FAIL(m, TP_HTTP_E505, "HTTP version not supported "
            "(HTTP/1.0 and HTTP/1.1 only)");
    }
    m->version = (uint16_t) (p[7] == '1' ? 11 : 10);
    return TP_OK;
}

/*
 * Empty lines before a request line are skipped (RFC 9112 2.2), a few of
 * them: some clients send CRLF after a POST body.
 */
static int
skip_empty_lines(struct tp_http_msg *m, const char *b, size_t end)
{
    size_t i = m->pos;

    while (i < end) {
        if (m->state == HP_RQ_EMPTY_LF) {
            if (b[i] != '\n') {
                return FAIL(m, TP_HTTP_E400, "bare CR before request line");
            }
            m->state = HP_RQ_START;
        } else if (b[i] == '\r') {
            m->state = HP_RQ_EMPTY_LF;
            i++;
            continue;
        } else if (b[i] != '\n') {
            m->method_off = (uint32_t) i;
            m->state = HP_RQ_METHOD;
            m->pos = (uint32_t) i;
            return TP_OK;
        }
        if ((m->line_start_hi & PRIV_EMPTY_MASK) == EMPTY_LINES_MAX) {
            return FAIL(m, TP_HTTP_E400, "too many empty lines before "
                "request line");
        }
        m->line_start_hi++;
        i++;
    }
    m->pos = (uint32_t) i;
    return TP_AGAIN;
}

/* The method ends at <i>: exactly one SP must follow a non-empty token. */
static int
end_method(struct tp_http_msg *m, const char *b, size_t i)
{
    if (b[i] != ' ' || i == m->method_off) {
        return FAIL(m, TP_HTTP_E400, "malformed request line: expected "
            "METHOD SP target SP version");
    }
    m->method_len = (uint16_t) (i - m->method_off);
    m->method = (uint8_t) tp_http_method_from(b + m->method_off,
                                              m->method_len);
    m->state = HP_RQ_TARGET;
    return TP_OK;
}

/* The first byte of the request-target picks its form (RFC 9112 3.2). */
static int
target_start(struct tp_http_msg *m, unsigned char c, size_t i)
{
    m->target_off = (uint32_t) i;
    m->mark = (uint32_t) i;
    if (m->method == TP_HTTP_CONNECT) {
        m->state = HP_RQ_CONNECT;
    } else if (c == '/') {
        m->state = HP_RQ_PATH;
    } else if (c == '*' && m->method == TP_HTTP_OPTIONS) {
        m->state = HP_RQ_ASTERISK;
        m->target_len = 1;
        m->path_len = 1;
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
        m->state = HP_RQ_SCHEME;
    } else {
        return FAIL(m, TP_HTTP_E400, "malformed request target");
    }
    return TP_OK;
}

/* The target ended at <i> on its SP; the version starts after it. */
static void
end_target(struct tp_http_msg *m, size_t i)
{
    m->target_len = (uint32_t) (i - m->target_off);
    m->mark = (uint32_t) (i + 1);
    m->state = HP_RQ_VERSION;
}

/*
 * The request line (RFC 9112 3), one case per state.  It is longer than our
 * usual functions because it is the transition table itself; each case is a
 * table scan plus the check of the byte that stopped it.
 */
static int
request_line(struct tp_http_msg *m, const char *b, size_t end)
{
    size_t i = m->pos;
    int rc;

    while (i < end) {
        switch (m->state) {
        case HP_RQ_METHOD:
            i = scan(b, i, end, CT_TOKEN);
            if (i == end) {
                continue;
            }
            if ((rc = end_method(m, b, i)) != TP_OK) {
                return rc;
            }
            i++;
            break;
        case HP_RQ_TARGET:
            if ((rc = target_start(m, (unsigned char) b[i], i)) != TP_OK) {
                return rc;
            }
            if (m->state == HP_RQ_ASTERISK) {
                i++;    /* the whole target: SP must follow */
            }
            break;
        case HP_RQ_PATH:
            i = scan(b, i, end, CT_PATH);
            if (i == end) {
                continue;
            }
            m->path_len = (uint32_t) (i - m->target_off);
            if (b[i] == '?') {
                m->state = HP_RQ_QUERY;
            } else if (b[i] == ' ') {
                end_target(m, i);
            } else {
                return FAIL(m, TP_HTTP_E400, "invalid character in request "
                    "target");
            }
            i++;
            break;
        case HP_RQ_QUERY:
            i = scan(b, i, end, CT_QUERY);
            if (i == end) {
                continue;
            }
            if (b[i] != ' ') {
                return FAIL(m, TP_HTTP_E400, "invalid character in request "
                    "target");
            }
            end_target(m, i++);
            break;
        case HP_RQ_ASTERISK:
            if (b[i] != ' ') {
                return FAIL(m, TP_HTTP_E400, "malformed request target");
            }
            end_target(m, i++);
            break;
        case HP_RQ_SCHEME:
            i = scan(b, i, end, CT_SCHEME);
            if (i == end) {
                continue;
            }
            if (b[i] != ':' || !http_scheme(b + m->mark, i - m->mark)) {
                return FAIL(m, TP_HTTP_E400, "malformed request target "
                    "(absolute-form needs http:// or https://)");
            }
            m->state = HP_RQ_SLASH1;
            i++;
            break;
        case HP_RQ_SLASH1:
        case HP_RQ_SLASH2:
            if (b[i] != '/') {
                return FAIL(m, TP_HTTP_E400, "malformed absolute-form "
                    "target");
            }
            m->state++;     /* to SLASH2, then to AUTHORITY */
            m->mark2 = (uint32_t) ++i;
            break;
        case HP_RQ_AUTHORITY:
            i = scan(b, i, end, CT_HOST);
            if (i == end) {
                continue;
            }
            /* No path (or userinfo): a zero-copy target cannot be "/". */
            if (b[i] != '/' || i == m->mark2
                || !valid_host(b + m->mark2, i - m->mark2, false))
            {
                return FAIL(m, TP_HTTP_E400, "malformed absolute-form target "
                    "(host and path required)");
            }
            m->flags |= TP_HTTP_F_ABSOLUTE_URI;
            m->target_off = (uint32_t) i;
            m->state = HP_RQ_PATH;
            break;
        case HP_RQ_CONNECT:
            i = scan(b, i, end, CT_HOST);
            if (i == end) {
                continue;
            }
            if (b[i] != ' '
                || !valid_host(b + m->target_off, i - m->target_off, true))
            {
                return FAIL(m, TP_HTTP_E400, "CONNECT needs host:port");
            }
            m->path_len = (uint32_t) (i - m->target_off);
            end_target(m, i++);
            break;
        case HP_RQ_VERSION:
            i = scan(b, i, end, CT_QUERY);
            if (i == end) {
                continue;
            }
            if ((rc = check_version(m, b + m->mark, i - m->mark)) != TP_OK) {
                return rc;
            }
            if (b[i] == '\n') {
                m->state = HP_HD_START;
                m->pos = (uint32_t) (i + 1);
                return TP_OK;
            }
            if (b[i] != '\r') {
                return FAIL(m, TP_HTTP_E400, "malformed request line");
            }
            m->state = HP_RQ_LF;
            i++;
            break;
        case HP_RQ_LF:
            if (b[i] != '\n') {
                return FAIL(m, TP_HTTP_E400, "bare CR in request line");
            }
            m->state = HP_HD_START;
            m->pos = (uint32_t) (i + 1);
            return TP_OK;
        default:
            tp_assert(0);
        }
    }
    m->pos = (uint32_t) i;
    return TP_AGAIN;
}

/* The 3-digit status code ended at <i>: check its range and delimiter. */
static int
end_status(struct tp_http_msg *m, const char *b, size_t i)
{
    const char *p = b + m->mark;

    m->status = (uint16_t) ((p[0] - '0') * 100 + (p[1] - '0') * 10
                            + (p[2] - '0'));
    if (m->status < 100 || m->status > 599) {
        return TP_HTTP_E502;
    }
    m->reason_off = (uint32_t) (i + (b[i] == ' '));
    m->reason_len = 0;
    if (b[i] == ' ') {
        m->state = HP_RS_REASON;
    } else if (b[i] == '\r') {
        m->state = HP_RS_LF;
    } else if (b[i] == '\n') {
        m->state = HP_HD_START;
    } else {
        return TP_HTTP_E502;
    }
    return TP_OK;
}

/* Byte <i> of "HTTP/1.0 " or "HTTP/1.1 ", the only versions we speak. */
static inline bool
status_version_byte(char c, size_t i)
{
    static const char http1[] = "HTTP/1.";

    if (i < 7) {
        return c == http1[i];
    }
    return i == 7 ? c == '0' || c == '1' : c == ' ';
}

/*
 * The status line (RFC 9112 4): "HTTP/1.0" or "HTTP/1.1", SP, 3DIGIT, then
 * SP and a reason phrase, or the end of the line (the SP is often missing).
 * The version is matched byte by byte so garbage fails at once.
 */
static int
status_line(struct tp_http_msg *m, const char *b, size_t end)
{
    size_t i = m->pos;
    int rc;

    while (i < end) {
        switch (m->state) {
        case HP_RS_VERSION:
            if (!status_version_byte(b[i], i)) {
                return TP_HTTP_E502;
            }
            if (i == 8) {
                m->version = (uint16_t) (b[7] == '1' ? 11 : 10);
                m->state = HP_RS_CODE;
                m->mark = 9;
            }
            i++;
            break;
        case HP_RS_CODE:
            i = scan(b, i, TP_MIN(end, (size_t) m->mark + 3), CT_DIGIT);
            if (i == end) {
                continue;
            }
            if (i != (size_t) m->mark + 3) {
                return TP_HTTP_E502;
            }
            if ((rc = end_status(m, b, i)) != TP_OK) {
                return rc;
            }
            i++;
            if (m->state == HP_HD_START) {
                m->pos = (uint32_t) i;
                return TP_OK;
            }
            break;
        case HP_RS_REASON:
            i = scan(b, i, end, CT_VALUE);
            if (i == end) {
                continue;
            }
            m->reason_len = (uint16_t) (i - m->reason_off);
            if (b[i] == '\n') {
                m->state = HP_HD_START;
                m->pos = (uint32_t) (i + 1);
                return TP_OK;
            }
            if (b[i] != '\r') {
                return TP_HTTP_E502;
            }
            m->state = HP_RS_LF;
            i++;
            break;
        case HP_RS_LF:
            if (b[i] != '\n') {
                return TP_HTTP_E502;
            }
            m->state = HP_HD_START;
            m->pos = (uint32_t) (i + 1);
            return TP_OK;
        default:
            tp_assert(0);
        }
    }
    m->pos = (uint32_t) i;
    return TP_AGAIN;
}

/*
 * Content-Length = 1*DIGIT, or a list of identical values (RFC 9110 8.6).
 * Returns the value, or -1 when malformed, differing or above 2^62.
 */
static int64_t
parse_content_length(const char *p, size_t n)
{
    int64_t v = -1, x;
    size_t i = 0;

    for (;;) {
        if (i == n || (ctype[(unsigned char) p[i]] & CT_DIGIT) == 0) {
            return -1;
        }
        for (x = 0; i < n && (ctype[(unsigned char) p[i]] & CT_DIGIT); i++) {
            if (x > (CL_MAX - (p[i] - '0')) / 10) {
                return -1;
            }
            x = x * 10 + (p[i] - '0');
        }
        if (v >= 0 && x != v) {
            return -1;
        }
        v = x;
        i = skip_ows(p, i, n);
        if (i == n) {
            return v;
        }
        if (p[i] != ',') {
            return -1;
        }
        i = skip_ows(p, i + 1, n);
    }
}

static uint32_t
connection_flag(const char *p, size_t n)
{
    if (CASEEQ(p, n, "close")) {
        return TP_HTTP_F_CONN_CLOSE;
    }
    if (CASEEQ(p, n, "keep-alive")) {
        return TP_HTTP_F_CONN_KEEP;
    }
    if (CASEEQ(p, n, "upgrade")) {
        return TP_HTTP_F_CONN_UPGRADE;
    }
    return TP_HTTP_F_CONN_OTHER;
}

/*
 * A comma-separated list of tokens (RFC 9110 5.6.1).  Returns the number of
 * tokens, or -1 when malformed (or when an element is empty and <empty_ok>
 * is false).  With <conn> non-NULL, ORs in the Connection flag of each.
 */
static int
token_list(const char *p, size_t n, bool empty_ok, uint32_t *conn)
{
    size_t i = 0, s;
    int count = 0;

    for (;;) {
        s = skip_ows(p, i, n);
        i = scan(p, s, n, CT_TOKEN);
        if (i > s) {
            count++;
            if (conn != NULL) {
                *conn |= connection_flag(p + s, i - s);
            }
        } else if (!empty_ok) {
            return -1;
        }
        i = skip_ows(p, i, n);
        if (i == n) {
            return count;
        }
        if (p[i] != ',') {
            return -1;
        }
        i++;
    }
}

static int
on_content_length(struct tp_http_msg *m, const char *v, size_t n)
{
    int64_t cl = parse_content_length(v, n);

    /* Differing lengths are the classic smuggling vector: refuse both. */
    if (cl < 0) {
        return FAIL(m, TP_HTTP_E400, "invalid Content-Length");
    }
    if ((m->flags & TP_HTTP_F_HAS_CL) && cl != m->content_length) {
        return FAIL(m, TP_HTTP_E400, "conflicting Content-Length values");
    }
    m->flags |= TP_HTTP_F_HAS_CL;
    m->content_length = cl;
    return TP_OK;
}

/*
 * Only a single "chunked" is accepted: any other coding (or a list, or a
 * second header) could be framed differently by the next hop.  A list of
 * valid codings is 501 (not implemented), anything else 400.
 */
static int
on_transfer_encoding(struct tp_http_msg *m, const char *v, size_t n)
{
    bool first = (m->flags & TP_HTTP_F_HAS_TE) == 0;

    m->flags |= TP_HTTP_F_HAS_TE;
    if (first && CASEEQ(v, n, "chunked")) {
        m->flags |= TP_HTTP_F_CHUNKED;
        return TP_OK;
    }
    return token_list(v, n, false, NULL) > 0
        ? FAIL(m, TP_HTTP_E501, "Transfer-Encoding not supported (only a "
            "single chunked)")
        : FAIL(m, TP_HTTP_E400, "malformed Transfer-Encoding");
}

static int
on_connection(struct tp_http_msg *m, const char *v, size_t n)
{
    uint32_t f = 0;

    if (token_list(v, n, true, &f) < 0) {
        return FAIL(m, TP_HTTP_E400, "malformed Connection header");
    }
    m->flags |= f;
    return TP_OK;
}

/*
 * 100-continue is the only expectation (RFC 9110 10.1.1), and is ignored in
 * HTTP/1.0.  Others are answered 417, but only once the whole head has been
 * validated, so a malformed head still gets its 400.
 */
static void
on_expect(struct tp_http_msg *m, const char *v, size_t n)
{
    if (CASEEQ(v, n, "100-continue")) {
        if (m->version == 11) {
            m->flags |= TP_HTTP_F_EXPECT_100;
        }
    } else if (n > 0) {
        m->line_start_hi |= PRIV_EXPECT_BAD;
    }
}

/* One Host, syntactically valid (RFC 9110 7.2): it picks the route. */
static int
on_host(struct tp_http_msg *m, const char *v, size_t n)
{
    if (m->host_idx >= 0) {
        return FAIL(m, TP_HTTP_E400, "duplicate Host header");
    }
    if (!valid_host(v, n, false)) {
        return FAIL(m, TP_HTTP_E400, "invalid Host header");
    }
    m->host_idx = (int16_t) m->nhdrs;
    return TP_OK;
}

/*
 * The field hdrs[nhdrs] is complete: count it, and apply the semantics of
 * the few fields the parser owns.  The length test keeps this to one
 * compare for nearly every other field.
 */
static int
field_done(struct tp_http_msg *m, const char *b, bool req)
{
    const struct tp_http_hdr *h = &m->hdrs[m->nhdrs];
    const char *name = b + h->name_off, *v = b + h->value_off;
    size_t n = h->value_len;
    int rc = TP_OK;

    switch (h->name_len) {
    case 4:
        if (req && CASEEQ(name, 4, "host")) {
            rc = on_host(m, v, n);
        }
        break;
    case 6:
        if (req && CASEEQ(name, 6, "expect")) {
            on_expect(m, v, n);
        }
        break;
    case 10:
        if (CASEEQ(name, 10, "connection")) {
            rc = on_connection(m, v, n);
        }
        break;
    case 14:
        if (CASEEQ(name, 14, "content-length")) {
            rc = on_content_length(m, v, n);
        }
        break;
    case 17:
        if (CASEEQ(name, 17, "transfer-encoding")) {
            rc = on_transfer_encoding(m, v, n);
        }
        break;
    }
    m->nhdrs++;
    m->state = HP_HD_START;
    return rc;
}

/* The value of hdrs[nhdrs] ends at <i>: trim trailing OWS, store length. */
static void
end_value(struct tp_http_msg *m, const char *b, size_t i)
{
    struct tp_http_hdr *h = &m->hdrs[m->nhdrs];

    while (i > h->value_off && is_ows(b[i - 1])) {
        i--;
    }
    h->value_len = (uint16_t) (i - h->value_off);
}

/* A field line starts at <i> (RFC 9112 5): a name, or the empty line. */
static int
field_start(struct tp_http_msg *m, char c, size_t i)
{
    if (c == '\r') {
        m->state = HP_HD_END_LF;
        return TP_OK;
    }
    /* Covers obs-fold and whitespace after the start line (9112 5.2). */
    if ((ctype[(unsigned char) c] & CT_TOKEN) == 0) {
        return FAIL(m, TP_HTTP_E400, c == ' ' || c == '\t'
            ? "obsolete line folding (obs-fold) in header"
            : "invalid header field name");
    }
    if (m->nhdrs == TP_HTTP_MAX_HEADERS) {
        return FAIL(m, TP_HTTP_E431, "too many header fields");
    }
    m->hdrs[m->nhdrs].name_off = (uint32_t) i;
    m->state = HP_HD_NAME;
    return TP_OK;
}

/*
 * Field lines up to the empty line ending the head; TP_OK when it has been
 * consumed.  Like request_line, this is the transition table itself.
 */
static int
field_lines(struct tp_http_msg *m, const char *b, size_t end, bool req)
{
    struct tp_http_hdr *h;
    size_t i = m->pos;
    int rc;

    while (i < end) {
        /* Valid (below TP_HTTP_MAX_HEADERS) past HP_HD_START. */
        h = &m->hdrs[TP_MIN(m->nhdrs, TP_HTTP_MAX_HEADERS - 1)];
        switch (m->state) {
        case HP_HD_START:
            if (b[i] == '\n') {
                m->pos = (uint32_t) (i + 1);
                return TP_OK;
            }
            if ((rc = field_start(m, b[i], i)) != TP_OK) {
                return rc;
            }
            i++;
            break;
        case HP_HD_NAME:
            i = scan(b, i, end, CT_TOKEN);
            if (i == end) {
                continue;
            }
            if (b[i] != ':') {
                return FAIL(m, TP_HTTP_E400, b[i] == ' ' || b[i] == '\t'
                    ? "whitespace between header name and colon"
                    : "invalid header field name");
            }
            h->name_len = (uint16_t) (i - h->name_off);
            m->state = HP_HD_OWS;
            i++;
            break;
        case HP_HD_OWS:
            i = skip_ows(b, i, end);
            if (i == end) {
                continue;
            }
            h->value_off = (uint32_t) i;
            m->state = HP_HD_VALUE;
            break;
        case HP_HD_VALUE:
            i = scan(b, i, end, CT_VALUE);
            if (i == end) {
                continue;
            }
            if (b[i] != '\r' && b[i] != '\n') {
                return FAIL(m, TP_HTTP_E400,
                    "control character in header value");
            }
            end_value(m, b, i);
            if (b[i++] == '\r') {
                m->state = HP_HD_LF;
            } else if ((rc = field_done(m, b, req)) != TP_OK) {
                return rc;
            }
            break;
        case HP_HD_LF:
            if (b[i++] != '\n') {
                return FAIL(m, TP_HTTP_E400, "bare CR in header");
            }
            if ((rc = field_done(m, b, req)) != TP_OK) {
                return rc;
            }
            break;
        case HP_HD_END_LF:
            if (b[i] != '\n') {
                return FAIL(m, TP_HTTP_E400, "bare CR at end of head");
            }
            m->pos = (uint32_t) (i + 1);
            return TP_OK;
        default:
            tp_assert(0);
        }
    }
    m->pos = (uint32_t) i;
    return TP_AGAIN;
}

/* The whole head is in: the checks that need all of it (RFC 9112 6). */
static int
end_head(struct tp_http_msg *m, bool req)
{
    m->head_len = m->pos;
    m->state = HP_DONE;
    if (!req) {
        if ((m->flags & TP_HTTP_F_HAS_TE) && m->version == 10) {
            return TP_HTTP_E502;    /* "framing is faulty" (9112 6.1) */
        }
        if (m->flags & TP_HTTP_F_HAS_TE) {
            m->flags &= ~TP_HTTP_F_HAS_CL;  /* chunked wins (9112 6.3) */
            m->content_length = -1;
        }
        return TP_OK;
    }
    if (m->version == 11 && m->host_idx < 0) {
        return FAIL(m, TP_HTTP_E400, "missing Host header (required in "
            "HTTP/1.1)");
    }
    if ((m->flags & TP_HTTP_F_HAS_TE) && m->version == 10) {
        return FAIL(m, TP_HTTP_E400, "Transfer-Encoding in an HTTP/1.0 "
            "request");
    }
    if ((m->flags & TP_HTTP_F_HAS_TE) && (m->flags & TP_HTTP_F_HAS_CL)) {
        return FAIL(m, TP_HTTP_E400, "Content-Length together with "
            "Transfer-Encoding");
    }
    if (m->line_start_hi & PRIV_EXPECT_BAD) {
        return FAIL(m, TP_HTTP_E417, "Expect value not supported (only "
            "100-continue)");
    }
    return TP_OK;
}

/*
 * The start line, then the field lines, each bounded by its limit: the
 * request line by max_line (414), the head by max_head (431; 414 while still
 * in the request line).
 */
static int
parse_head(struct tp_http_msg *m, const char *b, size_t len,
    const struct tp_http_limits *lim, bool req)
{
    size_t max_head, end, line_end;
    int rc = TP_OK;

    tp_assert(lim != NULL && len >= m->pos);
    max_head = TP_MIN((size_t) lim->max_head, (size_t) HEAD_MAX);
    end = TP_MIN(len, max_head);
    if (m->state <= HP_RQ_EMPTY_LF) {
        rc = skip_empty_lines(m, b, end);
    }
    if (rc == TP_OK && m->state < HP_HD_START) {
        line_end = (size_t) m->method_off + lim->max_line;
        rc = req ? request_line(m, b, TP_MIN(end, line_end))
                 : status_line(m, b, TP_MIN(end, line_end));
        if (rc == TP_AGAIN && m->pos >= line_end) {
            return FAIL(m, TP_HTTP_E414, "request line too long");
        }
    }
    if (rc == TP_OK) {
        rc = field_lines(m, b, end, req);
    }
    if (rc == TP_AGAIN && m->pos >= max_head) {
        return m->state < HP_HD_START
            ? FAIL(m, TP_HTTP_E414, "request line too long")
            : FAIL(m, TP_HTTP_E431, "request head too large");
    }
    return rc == TP_OK ? end_head(m, req) : rc;
}

/* Runs one step of a head parse, with the bookkeeping both kinds share. */
static int
parse_msg(struct tp_http_msg *m, const char *buf, size_t len,
    const struct tp_http_limits *lim, bool req)
{
    int rc;

    if (m->state == HP_DONE) {
        return TP_OK;
    }
    if (m->state == HP_ERROR) {
        return (int) m->mark;
    }
    if (m->state == HP_INIT) {
        tp_http_msg_init(m);    /* a zeroed struct gets its -1s here */
        m->state = req ? HP_RQ_START : HP_RS_VERSION;
    }
    rc = parse_head(m, buf, len, lim, req);
    if (rc > 0 && !req) {
        rc = TP_HTTP_E502;
    }
    if (rc > 0) {
        m->state = HP_ERROR;
        m->mark = (uint32_t) rc;
    }
    return rc;
}

int
tp_http_parse_request(struct tp_http_msg *m, const char *buf, size_t len,
    const struct tp_http_limits *lim)
{
    return parse_msg(m, buf, len, lim, true);
}

int
tp_http_parse_response(struct tp_http_msg *m, const char *buf, size_t len,
    const struct tp_http_limits *lim)
{
    return parse_msg(m, buf, len, lim, false);
}

static inline unsigned
hex_value(unsigned char c)
{
    return c <= '9' ? (unsigned) (c - '0') : (unsigned) ((c | 0x20) - 'a' + 10);
}

/* The size line is complete: data follows, or the trailer section. */
static void
chunk_size_done(struct tp_http_chunked *c)
{
    c->trailer_len = 0;
    c->state = c->remaining == 0 ? CK_TR_START : CK_DATA;
}

/* The byte after the chunk-size digits (RFC 9112 7.1, 7.1.1). */
static int
chunk_size_end(struct tp_http_chunked *c, unsigned char ch)
{
    if (c->hexdigits == 0) {
        return TP_ERROR;
    }
    if (ch == ';') {
        c->state = CK_EXT;
    } else if (ch == ' ' || ch == '\t') {
        c->state = CK_SIZE_WS;
    } else if (ch == '\r') {
        c->state = CK_SIZE_LF;
    } else if (ch == '\n') {
        chunk_size_done(c);
    } else {
        return TP_ERROR;
    }
    return TP_AGAIN;
}

/*
 * chunk-size [ chunk-ext ] CRLF.  Extensions are skipped but must be field
 * value bytes, so every hop agrees on where the line ends, and are bounded
 * (trailer_len counts them).  TP_AGAIN: go on with the next state.
 */
static int
chunk_size_line(struct tp_http_chunked *c, const char *b, size_t *ip,
    size_t len)
{
    size_t i = *ip, s;
    unsigned char ch = (unsigned char) b[i];
    int rc = TP_AGAIN;

    switch (c->state) {
    case CK_SIZE:
        if ((ctype[ch] & CT_HEX) == 0) {
            rc = chunk_size_end(c, ch);
        } else if (c->hexdigits == 16) {
            rc = TP_ERROR;      /* would overflow 64 bits */
        } else {
            c->remaining = c->remaining << 4 | hex_value(ch);
            c->hexdigits++;
        }
        i++;
        break;
    case CK_SIZE_WS:
        if (ch == ';') {
            c->state = CK_EXT;
        } else if (!is_ows((char) ch) || c->trailer_len == CHUNK_EXT_MAX) {
            rc = TP_ERROR;      /* BWS is only allowed before ';' */
        }
        c->trailer_len++;
        i++;
        break;
    case CK_EXT:
        s = i;
        i = scan(b, i, TP_MIN(len, i + CHUNK_EXT_MAX + 1 - c->trailer_len),
                 CT_VALUE);
        c->trailer_len = (uint16_t) (c->trailer_len + (i - s));
        if (c->trailer_len > CHUNK_EXT_MAX) {
            rc = TP_ERROR;
        } else if (i < len) {
            if (b[i] == '\r') {
                c->state = CK_SIZE_LF;
            } else if (b[i] == '\n') {
                chunk_size_done(c);
            } else {
                rc = TP_ERROR;
            }
            i++;
        }
        break;
    default:    /* CK_SIZE_LF */
        if (ch != '\n') {
            rc = TP_ERROR;
        } else {
            chunk_size_done(c);
        }
        i++;
        break;
    }
    *ip = i;
    return rc;
}

/* CRLF (or a bare LF) after the chunk data. */
static int
chunk_data_end(struct tp_http_chunked *c, char ch)
{
    if (c->state == CK_DATA_CR && ch == '\r') {
        c->state = CK_DATA_LF;
        return TP_AGAIN;
    }
    if (ch != '\n') {
        return TP_ERROR;
    }
    c->state = CK_SIZE;
    c->hexdigits = 0;
    c->remaining = 0;
    return TP_AGAIN;
}

/*
 * One step in the trailer section: field lines validated like header
 * fields (no obs-fold, no whitespace before ':', no control bytes), then the
 * empty line.  Runs are bounded by <end>, the budget of TRAILER_MAX.
 */
static int
chunk_trailer_step(struct tp_http_chunked *c, const char *b, size_t *ip,
    size_t end)
{
    size_t i = *ip;
    int rc = TP_AGAIN;

    switch (c->state) {
    case CK_TR_START:
        if (b[i] == '\r') {
            c->state = CK_END_LF;
        } else if (b[i] == '\n') {
            rc = TP_DONE;
        } else if (ctype[(unsigned char) b[i]] & CT_TOKEN) {
            c->state = CK_TR_NAME;
        } else {
            rc = TP_ERROR;
        }
        i++;
        break;
    case CK_TR_NAME:
        i = scan(b, i, end, CT_TOKEN);
        if (i < end) {
            rc = b[i++] == ':' ? TP_AGAIN : TP_ERROR;
            c->state = CK_TR_VALUE;
        }
        break;
    case CK_TR_VALUE:
        i = scan(b, i, end, CT_VALUE);
        if (i < end) {
            c->state = b[i] == '\r' ? CK_TR_LF : CK_TR_START;
            rc = b[i] == '\r' || b[i] == '\n' ? TP_AGAIN : TP_ERROR;
            i++;
        }
        break;
    default:    /* CK_TR_LF, CK_END_LF */
        rc = b[i] != '\n' ? TP_ERROR
           : c->state == CK_END_LF ? TP_DONE : TP_AGAIN;
        c->state = CK_TR_START;
        i++;
        break;
    }
    *ip = i;
    return rc;
}

/* The trailer section, at most TRAILER_MAX bytes of it. */
static int
chunk_trailer(struct tp_http_chunked *c, const char *b, size_t *ip,
    size_t len)
{
    size_t start = *ip, budget = start + (TRAILER_MAX - c->trailer_len);
    size_t end = TP_MIN(len, budget);
    int rc = TP_AGAIN;

    while (rc == TP_AGAIN && *ip < end) {
        rc = chunk_trailer_step(c, b, ip, end);
    }
    c->trailer_len = (uint16_t) (c->trailer_len + (*ip - start));
    if (rc == TP_AGAIN && *ip == budget) {
        rc = TP_ERROR;
    }
    return rc;
}

/*
 * The chunked decoder's loop.  Sub-steps return TP_AGAIN to mean "go on";
 * the loop stops at the end of buf, at a data span, at the end or an error.
 */
int
tp_http_chunked_parse(struct tp_http_chunked *c, const char *buf,
    size_t len, size_t *consumed, size_t *data_off, size_t *data_len)
{
    size_t i = 0, n;
    int rc = TP_AGAIN;

    *data_off = 0;
    *data_len = 0;
    if (c->state == CK_DONE || c->state == CK_ERROR) {
        *consumed = 0;
        return c->state == CK_DONE ? TP_DONE : TP_ERROR;
    }
    while (rc == TP_AGAIN && i < len) {
        if (c->state <= CK_SIZE_LF) {
            rc = chunk_size_line(c, buf, &i, len);
        } else if (c->state == CK_DATA) {
            n = (size_t) TP_MIN((uint64_t) (len - i), c->remaining);
            c->remaining -= n;
            c->state = c->remaining == 0 ? CK_DATA_CR : CK_DATA;
            *data_off = i;
            *data_len = n;
            i += n;
            rc = TP_OK;
        } else if (c->state <= CK_DATA_LF) {
            rc = chunk_data_end(c, buf[i++]);
        } else {
            rc = chunk_trailer(c, buf, &i, len);
        }
    }
    if (rc == TP_DONE || rc == TP_ERROR) {
        c->state = rc == TP_DONE ? CK_DONE : CK_ERROR;
    }
    *consumed = i;
    return rc;
}
