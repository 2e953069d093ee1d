#include "plugin/bench/ratio_summary.h"

#include <algorithm>
#include <string>

namespace ledgerseal::bench {
namespace {

const char* Verdict(double ratio) { return ratio <= kTargetRatio ? "within" : "ABOVE"; }

void PrintSealRow(const MedianReporter& m, int nodes, std::FILE* out) {
  const std::string arg = "/" + std::to_string(nodes);
  const auto plugin = m.MedianMicros("BM_PluginSeal" + arg);
  const auto raw = m.MedianMicros("BM_RawSeal" + arg);
  const auto records = m.MedianMicros("BM_PluginSealFromRecords" + arg);
  const auto raw_der = m.MedianMicros("BM_RawSealParsingDer" + arg);
  if (!plugin || !raw) return;
  std::fprintf(out, "  %5d %12.1f %12.1f %7.2fx %-6s", nodes, *plugin, *raw, *plugin / *raw,
               Verdict(*plugin / *raw));
  if (records && raw_der) {
    std::fprintf(out, " %12.1f %14.1f %7.2fx", *records, *raw_der, *records / *raw_der);
  }
  std::fputc('\n', out);
}

void PrintMarginal(const MedianReporter& m, std::FILE* out) {
  const auto p1 = m.MedianMicros("BM_PluginSeal/1"), p31 = m.MedianMicros("BM_PluginSeal/31");
  const auto r1 = m.MedianMicros("BM_RawSeal/1"), r31 = m.MedianMicros("BM_RawSeal/31");
  if (!p1 || !p31 || !r1 || !r31) return;
  std::fprintf(out, "  per extra node (N=1 -> 31): plugin %.1f us, raw %.1f us (%.2fx)\n",
               (*p31 - *p1) / 30, (*r31 - *r1) / 30, (*p31 - *p1) / (*r31 - *r1));
}

void PrintUnseal(const MedianReporter& m, std::FILE* out) {
  const auto plugin = m.MedianMicros("BM_PluginUnseal");
  const auto raw = m.MedianMicros("BM_RawUnseal");
  if (!plugin || !raw) return;
  std::fprintf(out, "unseal once (UnsealShares incl. UnsealRecoveryKey and the signature), ECIES P-256\n");
  std::fprintf(out, "  plugin %.1f us, raw %.1f us: %.2fx %s the %.1fx target\n", *plugin, *raw,
               *plugin / *raw, Verdict(*plugin / *raw), kTargetRatio);
  if (const auto derived = m.MedianMicros("BM_Part_VirtualDerivedKey")) {
    std::fprintf(out, "  of which the virtual platform's derived key: %.1f us (%.2fx without it)\n",
                 *derived, (*plugin - *derived) / *raw);
  }
  const auto parse = m.MedianMicros("BM_Part_ParseSignedShares");
  const auto verify = m.MedianMicros("BM_Part_PluginVerify"), raw_verify = m.MedianMicros("BM_Part_RawVerify");
  if (parse && verify && raw_verify) {
    std::fprintf(out, "  of which parsing the value %.1f us and verifying the signature %.1f us (raw: %.1f us)\n",
                 *parse, *verify, *raw_verify);
  }
}

void PrintSeal(const MedianReporter& m, std::FILE* out) {
  if (!m.MedianMicros("BM_PluginSeal/1") && !m.MedianMicros("BM_PluginSeal/31")) return;
  std::fprintf(out,
               "seal (SealShares, signed), ECIES P-256 recipients; keys parsed once up front on both "
               "sides,\n  then (right) both parsing every recipient's DER key per call\n");
  std::fprintf(out, "  %5s %12s %12s %8s %-6s %12s %14s %8s\n", "N", "plugin us", "raw us",
               "ratio", "1.2x", "records us", "raw+DER us", "ratio");
  for (int nodes : kSealNodeCounts) PrintSealRow(m, nodes, out);
  PrintMarginal(m, out);
  const auto sign = m.MedianMicros("BM_Part_PluginSign"), raw_sign = m.MedianMicros("BM_Part_RawSign");
  if (sign && raw_sign) {
    std::fprintf(out, "  of which the service signature: plugin %.1f us, raw %.1f us\n", *sign, *raw_sign);
  }
}

// Repetitions behind the medians (the largest count of any headline row).
size_t Repetitions(const MedianReporter& m) {
  size_t most = m.Samples("BM_PluginUnseal");
  for (int nodes : kSealNodeCounts) {
    most = std::max(most, m.Samples("BM_PluginSeal/" + std::to_string(nodes)));
  }
  return most;
}

}  // namespace

void PrintRatioSummary(const MedianReporter& m, std::FILE* out) {
  std::fprintf(out, "\n== plugin vs raw OpenSSL: CPU time per operation, median of %zu run(s) ==\n",
               Repetitions(m));
  PrintSeal(m, out);
  PrintUnseal(m, out);
}

}  // namespace ledgerseal::bench
