/* SPDX-License-Identifier: GPL-3.0-or-later */

/* welcome.ice_servers → webrtcbin's stun-server and add-turn-server URIs. */

#include "tr-media-session.h"

static JsonArray *
parse_array (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static void
test_stun_and_turn (void)
{
  g_autoptr(TrMediaConfig) config = tr_media_config_copy (NULL);
  g_autoptr(JsonArray) servers = parse_array (
    "[{\"urls\": [\"stun:stun.example.com:3478\", \"stun:second.example.com\"]},"
    " {\"urls\": [\"turn:turn.example.com:3478?transport=udp\","
    "             \"turns:turn.example.com:5349?transport=tcp\"],"
    "  \"username\": \"u@x\", \"credential\": \"p:w/d\"},"
    " {\"urls\": [\"http://nope\", 42, \"stun:\"]}, 7]");

  tr_media_config_set_ice_servers (config, servers);
  g_assert_cmpstr (config->stun_server, ==, "stun://stun.example.com:3478");
  g_assert_nonnull (config->turn_servers);
  g_assert_cmpuint (g_strv_length (config->turn_servers), ==, 2);
  g_assert_cmpstr (config->turn_servers[0], ==, "turn://u%40x:p%3Aw%2Fd@turn.example.com:3478");
  g_assert_cmpstr (config->turn_servers[1], ==,
                   "turns://u%40x:p%3Aw%2Fd@turn.example.com:5349?transport=tcp");
}

static void
test_empty_clears (void)
{
  g_autoptr(TrMediaConfig) config = tr_media_config_copy (NULL);
  g_autoptr(JsonArray) servers = parse_array ("[{\"urls\": [\"stun:a:1\", \"turn:b:2\"]}]");
  g_autoptr(JsonArray) empty = parse_array ("[]");

  tr_media_config_set_ice_servers (config, servers);
  g_assert_cmpstr (config->stun_server, ==, "stun://a:1");
  g_assert_cmpstr (config->turn_servers[0], ==, "turn://:@b:2");

  tr_media_config_set_ice_servers (config, empty);
  g_assert_null (config->stun_server);
  g_assert_null (config->turn_servers);

  tr_media_config_set_ice_servers (config, NULL);
  g_assert_null (config->stun_server);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ice-servers/stun-and-turn", test_stun_and_turn);
  g_test_add_func ("/ice-servers/empty-clears", test_empty_clears);

  return g_test_run ();
}
