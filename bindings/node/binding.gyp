{
  "targets": [
    {
      "target_name": "rlc",
      "sources": [
        "src/addon.c",
        "src/arena.c",
        "src/client.c",
        "src/errors.c",
        "src/feedback.c",
        "src/floor.c",
        "src/grants.c",
        "src/params.c",
        "src/reserve.c",
        "src/state.c",
        "src/wait.c"
      ],
      "include_dirs": ["../../include"],
      "defines": ["_GNU_SOURCE", "NAPI_VERSION=8"],
      "cflags_c": ["-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wshadow"]
    }
  ]
}
