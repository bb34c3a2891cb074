/*
 * tp_tmpl.c: the reference-substitution template engine.  Compile in the
 * master, render in workers.  Pure apart from the resolver callback.
 */
#include "tp_tmpl.h"

#include <stdio.h>
#include <strings.h>

enum tmpl_node_kind {
    TN_TEXT = 0,
    TN_VAR
};

struct tmpl_node {
    uint8_t kind;
    uint8_t var;                     /* enum tp_tmpl_var */
    bool quiet;                      /* $!... renders null as empty */
    uint32_t len;                    /* text, or the variable name */
    const char *p;
    uint32_t ref_len;                /* the reference as written */
    const char *ref;
};

struct tmpl_compiled {
    struct tmpl_node *nodes;
    unsigned n;
};

static bool
tmpl_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Reads a quoted argument ('x' or "x") at <*p>; returns its length. */
static bool
tmpl_arg(const char **p, const char *end, const char **arg, size_t *len)
{
    const char *s = *p;
    char q;

    if (s >= end || (*s != '\'' && *s != '"')) {
        return false;
    }
    q = *s++;
    *arg = s;
    while (s < end && *s != q) {
        s++;
    }
    if (s >= end) {
        return false;
    }
    *len = (size_t) (s - *arg);
    *p = s + 1;
    return true;
}

static bool
tmpl_lit(const char **p, const char *end, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t) (end - *p) >= n && memcmp(*p, lit, n) == 0) {
        *p += n;
        return true;
    }
    return false;
}

/* $input.<...>: body, json('..'), path('..'), params(...). */
static bool
tmpl_input(const char **p, const char *end, struct tmpl_node *nd)
{
    const char *arg;
    size_t len;

    if (tmpl_lit(p, end, "json(") || tmpl_lit(p, end, "path(")) {
        nd->var = (*p)[-5] == 'j' ? TP_TV_INPUT_JSON : TP_TV_INPUT_PATH;
        if (!tmpl_arg(p, end, &arg, &len) || !tmpl_lit(p, end, ")")) {
            return false;
        }
    } else if (tmpl_lit(p, end, "params().")) {
        if (tmpl_lit(p, end, "path.get(")) {
            nd->var = TP_TV_INPUT_PARAM_PATH;
        } else if (tmpl_lit(p, end, "querystring.get(")) {
            nd->var = TP_TV_INPUT_PARAM_QUERY;
        } else if (tmpl_lit(p, end, "header.get(")) {
            nd->var = TP_TV_INPUT_PARAM_HEADER;
        } else {
            return false;
        }
        if (!tmpl_arg(p, end, &arg, &len) || !tmpl_lit(p, end, ")")) {
            return false;
        }
    } else if (tmpl_lit(p, end, "params(")) {
        nd->var = TP_TV_INPUT_PARAM;
        if (!tmpl_arg(p, end, &arg, &len) || !tmpl_lit(p, end, ")")) {
            return false;
        }
    } else if (tmpl_lit(p, end, "body")) {
        nd->var = TP_TV_INPUT_BODY;
        arg = "";
        len = 0;
    } else {
        return false;
    }
    nd->p = arg;
    nd->len = (uint32_t) len;
    return true;
}

/* After "authorizer.claims" at <name>, a ['name'] or ["name"] index:
 * moves *<p> past it. */
static bool
tmpl_claims_index(const char **p, const char *end, const char *name)
{
    static const char claims[] = "authorizer.claims";
    size_t n = sizeof(claims) - 1;
    const char *s = *p, *arg;
    size_t len;

    if ((size_t) (s - name) != n || memcmp(name, claims, n) != 0
        || s >= end || *s != '[')
    {
        return false;
    }
    s++;
    if (!tmpl_arg(&s, end, &arg, &len) || len == 0
        || !tmpl_lit(&s, end, "]"))
    {
        return false;
    }
    *p = s;
    return true;
}

/* One reference after '$' (and '!' / '{').  False: not ours (literal). */
static bool
tmpl_ref(const char **p, const char *end, struct tmpl_node *nd)
{
    const char *s = *p, *name;
    size_t len;

    if (tmpl_lit(&s, end, "context.")) {
        nd->var = TP_TV_CONTEXT;
    } else if (tmpl_lit(&s, end, "stageVariables")) {
        nd->var = TP_TV_STAGEVAR;
        if (tmpl_lit(&s, end, "['") || tmpl_lit(&s, end, "[\"")) {
            s--;
            if (!tmpl_arg(&s, end, &name, &len) || !tmpl_lit(&s, end, "]")) {
                return false;
            }
            nd->p = name;
            nd->len = (uint32_t) len;
            *p = s;
            return true;
        }
        if (!tmpl_lit(&s, end, ".")) {
            return false;
        }
    } else if (tmpl_lit(&s, end, "input.")) {
        if (!tmpl_input(&s, end, nd)) {
            return false;
        }
        *p = s;
        return true;
    } else {
        return false;
    }
    name = s;
    while (s < end && (tmpl_ident(*s) || (*s == '.' && s + 1 < end
                && tmpl_ident(s[1]))))
    {
        s++;
    }
    if (s == name) {
        return false;
    }
    if (nd->var == TP_TV_CONTEXT) {
        /* $context.authorizer.claims['custom:role'] (auth.md 5): the
         * whole reference is the name, tp_context_get reads it */
        (void) tmpl_claims_index(&s, end, name);
    }
    nd->p = name;
    nd->len = (uint32_t) (s - name);
    *p = s;
    return true;
}

static const char *const vtl_directives[] = {
    "#set", "#if", "#elseif", "#else", "#end", "#foreach", "#macro",
    "#include", "#parse", "#break", "#stop", "#define", "#evaluate", "##",
    "#*",
};

static int
tmpl_check_vtl(const char *t, char *err, size_t errlen)
{
    const char *hash;
    size_t i;

    for (hash = strchr(t, '#'); hash != NULL; hash = strchr(hash + 1, '#')) {
        for (i = 0; i < TP_NELEM(vtl_directives); i++) {
            size_t n = strlen(vtl_directives[i]);

            if (strncmp(hash, vtl_directives[i], n) == 0
                && (n <= 2 || !tmpl_ident(hash[n])))
            {
                snprintf(err, errlen, "VTL directive %s", vtl_directives[i]);
                return TP_DECLINED;
            }
        }
    }
    if (strstr(t, "$util.") != NULL || strstr(t, "${util.") != NULL) {
        snprintf(err, errlen, "VTL $util functions");
        return TP_DECLINED;
    }
    return TP_OK;
}

int
tp_tmpl_compile(struct tp_arena *a, struct tp_template *t, char *err,
    size_t errlen)
{
    const char *p = t->text, *end = p + strlen(p), *text = p, *s;
    struct tmpl_compiled *c;
    struct tmpl_node nd;
    bool brace;
    int rc;

    t->compiled = NULL;
    rc = tmpl_check_vtl(t->text, err, errlen);
    if (rc != TP_OK) {
        return rc;
    }
    c = tp_arena_calloc(a, sizeof(*c));
    if (c == NULL) {
        return TP_ERROR;
    }
    /* At most one node per '$' plus one text node after each. */
    for (s = p, nd.len = 0; (s = strchr(s, '$')) != NULL; s++) {
        nd.len++;
    }
    c->nodes = tp_arena_alloc(a, sizeof(*c->nodes) * (2 * nd.len + 2));
    if (c->nodes == NULL) {
        return TP_ERROR;
    }
    while ((s = memchr(p, '$', (size_t) (end - p))) != NULL) {
        const char *ref = s;

        memset(&nd, 0, sizeof(nd));
        s++;
        nd.quiet = s < end && *s == '!';
        s += nd.quiet;
        brace = s < end && *s == '{';
        s += brace;
        if (!tmpl_ref(&s, end, &nd) || (brace && !tmpl_lit(&s, end, "}"))) {
            p = ref + 1;             /* not a reference: keep as text */
            continue;
        }
        if (ref > text) {
            c->nodes[c->n++] = (struct tmpl_node) { TN_TEXT, 0, false,
                (uint32_t) (ref - text), text, 0, NULL };
        }
        nd.kind = TN_VAR;
        nd.ref = ref;
        nd.ref_len = (uint32_t) (s - ref);
        c->nodes[c->n++] = nd;
        p = text = s;
    }
    if (end > text) {
        c->nodes[c->n++] = (struct tmpl_node) { TN_TEXT, 0, false,
            (uint32_t) (end - text), text, 0, NULL };
    }
    t->compiled = c;
    return TP_OK;
}

int
tp_tmpl_render(const struct tp_template *t, tp_tmpl_var_fn var, void *ctx,
    struct tp_arena *a, struct tp_str *out)
{
    const struct tmpl_compiled *c = t->compiled;
    struct tp_str *vals;
    size_t total = 0, off = 0;
    char *buf;
    unsigned i;

    if (c == NULL) {
        return TP_ERROR;
    }
    vals = tp_arena_alloc(a, sizeof(*vals) * (c->n + 1));
    if (vals == NULL) {
        return TP_ERROR;
    }
    for (i = 0; i < c->n; i++) {
        const struct tmpl_node *nd = &c->nodes[i];

        if (nd->kind == TN_TEXT) {
            vals[i] = (struct tp_str) { nd->p, nd->len };
        } else if (var(ctx, (enum tp_tmpl_var) nd->var, nd->p, nd->len, a,
                &vals[i]) != TP_OK)
        {
            vals[i] = nd->quiet ? TP_STR("")
                                : (struct tp_str) { nd->ref, nd->ref_len };
        }
        total += vals[i].len;
    }
    buf = tp_arena_alloc(a, total + 1);
    if (buf == NULL) {
        return TP_ERROR;
    }
    for (i = 0; i < c->n; i++) {
        if (vals[i].len > 0) {
            memcpy(buf + off, vals[i].p, vals[i].len);
            off += vals[i].len;
        }
    }
    buf[off] = '\0';
    *out = (struct tp_str) { buf, off };
    return TP_OK;
}

const struct tp_template *
tp_tmpl_select(const struct tp_template *ts, unsigned n,
    const char *content_type, size_t len)
{
    size_t mlen = 0;
    unsigned i;

    while (mlen < len && content_type[mlen] != ';' && content_type[mlen] != ' '
        && content_type[mlen] != ',')
    {
        mlen++;
    }
    for (i = 0; i < n; i++) {
        if (strlen(ts[i].content_type) == mlen
            && strncasecmp(ts[i].content_type, content_type, mlen) == 0)
        {
            return &ts[i];
        }
    }
    return NULL;
}
