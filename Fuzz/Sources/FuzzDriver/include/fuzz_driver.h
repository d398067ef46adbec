// libFuzzer's driver entry, for the fuzz binary's main (fuzz_driver.c).
#pragma once
