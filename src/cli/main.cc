#include <cstdio>

#include "sluice/version.h"

int main() {
  std::printf("sluice %s\n", SLUICE_VERSION);
  return 0;
}
