/*
 * test_json.c - the JSON writer: escaping of quotes, backslashes and
 * control bytes, invalid UTF-8 replaced, nesting and commas, null for NULL
 * strings, the size cap making the writer fail instead of truncating.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/json.h"

static void object_shape(void **state)
{
    struct json j;

    (void)state;
    json_init(&j, 0);
    json_obj_begin(&j);
    json_key_string(&j, "a", "x");
    json_key_null(&j, "b");
    json_key_int(&j, "c", -12);
    json_key_bool(&j, "d", true);
    json_key_string(&j, "e", NULL);
    json_key(&j, "f");
    json_arr_begin(&j);
    json_int(&j, 1);
    json_string(&j, "two");
    json_obj_begin(&j);
    json_obj_end(&j);
    json_arr_end(&j);
    json_obj_end(&j);
    assert_false(json_failed(&j));
    assert_string_equal(json_str(&j), "{\"a\":\"x\",\"b\":null,\"c\":-12,"
                                      "\"d\":true,\"e\":null,"
                                      "\"f\":[1,\"two\",{}]}");
    json_reset(&j);
    json_obj_begin(&j);
    json_obj_end(&j);
    assert_string_equal(json_str(&j), "{}");
    json_free(&j);
}

static void escaping(void **state)
{
    struct json j;
    const char in[] = "q\"b\\n\n\t\x01\x7f/é\xff\xc3";

    (void)state;
    json_init(&j, 0);
    json_string_n(&j, in, sizeof in - 1);
    assert_string_equal(json_str(&j),
                        "\"q\\\"b\\\\n\\n\\t\\u0001\\u007f/é"
                        "\xef\xbf\xbd\xef\xbf\xbd\"");
    json_reset(&j);
    json_string_n(&j, "a\0b", 3);
    assert_string_equal(json_str(&j), "\"a\\u0000b\"");
    json_reset(&j);
    /* overlong and surrogate encodings are not valid UTF-8 */
    json_string(&j, "\xc0\xaf\xed\xa0\x80");
    assert_null(strstr(json_str(&j), "\xc0"));
    assert_null(strstr(json_str(&j), "\xed"));
    json_free(&j);
}

static void cap_fails(void **state)
{
    struct json j;

    (void)state;
    json_init(&j, 16);
    json_obj_begin(&j);
    json_key_string(&j, "key", "a value longer than the cap");
    json_obj_end(&j);
    assert_true(json_failed(&j));
    assert_true(json_len(&j) <= 16);
    json_free(&j);
}

static void misuse_fails(void **state)
{
    struct json j;

    (void)state;
    json_init(&j, 0);
    json_obj_end(&j);
    assert_true(json_failed(&j));
    json_free(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(object_shape),
        cmocka_unit_test(escaping),
        cmocka_unit_test(cap_fails),
        cmocka_unit_test(misuse_fails),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
