{
  "targets": [
    {
      "target_name": "rin_native",
      "sources": ["rin_native.c"],
      "cflags": ["-O3", "-std=c11", "-D_GNU_SOURCE", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math"],
      "libraries": ["-ldl"]
    }
  ]
}
