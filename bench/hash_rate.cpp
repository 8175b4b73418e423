// Bare Argon2id verification rate: the floor under CareLive's login cost.
// Builds one hash with the server's parameters (libsodium crypto_pwhash_str_alg, Argon2id13),
// then has THREADS threads call crypto_pwhash_str_verify until TOTAL verifications are done.
// Prints one JSON line: {"threads":..,"verifications":..,"seconds":..,"hashes_per_sec":..}
//
//   g++ -O2 -std=c++20 -pthread bench/hash_rate.cpp -lsodium -o hash_rate
//   ./hash_rate [threads=4] [total=200] [ops_limit=2] [mem_limit_bytes=19922944]
#include <sodium.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 4;
  const long total = argc > 2 ? std::atol(argv[2]) : 200;
  const unsigned long long ops = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 2;
  const std::size_t mem = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 19u * 1024u * 1024u;
  if (threads < 1 || total < 1) {
    std::fprintf(stderr, "usage: hash_rate [threads] [total] [ops_limit] [mem_limit_bytes]\n");
    return 2;
  }
  if (sodium_init() < 0) {
    std::fprintf(stderr, "sodium_init failed\n");
    return 1;
  }
  // Same kind of password the benchmark account uses (length matters little for Argon2).
  const std::string password = "Bench#Pass2026";
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    std::fprintf(stderr, "crypto_pwhash_str_alg failed (out of memory?)\n");
    return 1;
  }
  std::atomic<long> next{0};
  std::atomic<long> failures{0};
  auto work = [&] {
    while (next.fetch_add(1) < total)
      if (crypto_pwhash_str_verify(hash, password.data(), password.size()) != 0) ++failures;
  };
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failures) {
    std::fprintf(stderr, "%ld verifications failed\n", failures.load());
    return 1;
  }
  std::printf(
      "{\"threads\":%d,\"verifications\":%ld,\"ops_limit\":%llu,\"mem_limit_bytes\":%zu,"
      "\"seconds\":%.3f,\"hashes_per_sec\":%.2f}\n",
      threads, total, ops, mem, seconds, static_cast<double>(total) / seconds);
  return 0;
}
