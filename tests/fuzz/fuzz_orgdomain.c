/*
 * fuzz_orgdomain.c - libFuzzer target: public suffix list parsing and
 * organisational-domain lookups (src/auth/orgdomain.c) on arbitrary
 * bytes.  The first line of the input is the name looked up, the rest the
 * list.  The module is compiled in (tests/fuzz/smoke.sh builds targets
 * from sources, without the auth library's external dependencies).
 */
#include "auth/orgdomain.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char name[300], out[300];
    const char *nl = memchr(data, '\n', size);
    size_t nlen = nl != NULL ? (size_t)(nl - (const char *)data) : size;
    struct orgdomain_list *list = NULL;
    const char *err;

    if (nlen >= sizeof name)
        nlen = sizeof name - 1;
    memcpy(name, data, nlen);
    name[nlen] = '\0';
    orgdomain_get(NULL, name, out, sizeof out);
    size_t rest = nl != NULL ? size - (size_t)(nl + 1 - (const char *)data)
                             : 0;
    if (nl != NULL && orgdomain_list_parse(nl + 1, rest, &list, &err) == 0) {
        orgdomain_get(list, name, out, sizeof out);
        orgdomain_get(list, name, out, 3);
        orgdomain_aligned(list, name, "example.com");
        orgdomain_list_free(&list);
    }
    return 0;
}
