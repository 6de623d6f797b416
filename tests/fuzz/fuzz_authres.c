/*
 * fuzz_authres.c - libFuzzer target: reading the authserv-id back out of an
 * Authentication-Results field body (src/auth/authres.c), as the milter
 * does with every such field of a bounce, on arbitrary bytes: CFWS,
 * nested and unterminated comments, quoted-strings, long tokens.  The
 * module is compiled in (tests/fuzz/smoke.sh builds targets from sources).
 */
#include "auth/authres.c"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char id[AUTHRES_ID_MAX + 1], small[4];
    char *value = malloc(size + 1);

    if (value == NULL)
        return 0;
    memcpy(value, data, size);
    value[size] = '\0'; /* the milter gets a C string */
    if (authres_field_id(value, id, sizeof id))
        assert(id[0] != '\0' && strlen(id) < sizeof id);
    else
        assert(id[0] == '\0');
    (void)authres_field_id(value, small, sizeof small);
    (void)authres_field_claims(value, "mx.example.org");
    free(value);
    return 0;
}
