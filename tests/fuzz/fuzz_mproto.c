/*
 * fuzz_mproto.c - libFuzzer target: the milter wire codec
 * (src/milter/mproto.c) on an arbitrary byte stream from the MTA, read as
 * the engine reads it: packets framed one after another, each decoded
 * after its command, macros kept per stage and looked up, replies encoded
 * from the decoded strings.  The module is compiled in (tests/fuzz/smoke.sh
 * builds targets from sources).
 */
#include "milter/mproto.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode(const struct mp_packet *p, struct mp_macros *m,
                   struct mp_out *o)
{
    const char *v[64], *a, *b;
    char fam;
    unsigned port = 0;
    uint32_t x, y, z;

    switch (p->cmd) {
    case MPC_MACRO:
        if (mp_macros_set(m, p))
            (void)mp_macros_get(m, "{i}");
        break;
    case MPC_CONNECT:
        if (mp_connect(p, &a, &fam, &port, &b))
            (void)mp_put_strs(o, MPR_ADDHEADER, -1, a, b, NULL);
        break;
    case MPC_HEADER:
        if (mp_header(p, &a, &b))
            (void)mp_put_strs(o, MPR_INSHEADER, (long)p->len, a, b, NULL);
        break;
    case MPC_OPTNEG:
        if (mp_optneg(p, &x, &y, &z))
            (void)mp_put_optneg(o, x, y, z);
        break;
    default:
        if (mp_strings(p, v, 64) > 0)
            (void)mp_put_reply(o, "550", v[0], v[0]);
        break;
    }
    (void)mp_macros_get(m, "j");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mp_macros m = {0};
    struct mp_out o = {0};
    size_t off = 0;
    long used;
    struct mp_packet p;

    while ((used = mp_next(data + off, size - off, 65536, &p)) > 0) {
        decode(&p, &m, &o);
        off += (size_t)used;
        if (o.len > 65536)
            o.len = 0;
    }
    mp_macros_clear(&m, MPS_CONNECT);
    mp_out_free(&o);
    return 0;
}
