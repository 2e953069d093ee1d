// Tests of the sev-guest platform. The SNP ioctls cannot run on a machine
// that is not an SNP guest, so a fake GuestDevice stands in for the kernel
// driver; everything else (encoding, decoding, error classification,
// wiping, opening the device) is the real code.
#include "snp/public/sev_guest.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "snp/little_endian.h"
#include "snp/public/policy.h"
#include "snp/sev_guest_protocol.h"
#include "snp/test_util.h"

namespace ledgerseal::snp {
namespace {

namespace proto = sev_guest_protocol;
using Handler = std::function<int(unsigned long, snp_guest_request_ioctl&)>;

// Stands in for the kernel: runs `handler` for each ioctl.
class FakeGuestDevice final : public GuestDevice {
 public:
  explicit FakeGuestDevice(Handler handler) : handler_(std::move(handler)) {}
  int Ioctl(unsigned long command, snp_guest_request_ioctl& io) const override {
    ++calls_;
    return handler_(command, io);
  }
  int calls() const { return calls_; }

 private:
  Handler handler_;
  mutable std::atomic<int> calls_{0};
};

template <typename T>
void StoreLittleEndian(uint8_t* out, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) out[i] = static_cast<uint8_t>(value >> (8 * i));
}

bool AllZero(std::span<const uint8_t> bytes) {
  return std::ranges::all_of(bytes, [](uint8_t b) { return b == 0; });
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::array<uint8_t, 32> KeyPattern(uint8_t seed) {
  std::array<uint8_t, 32> key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seed + i);
  return key;
}

// Writes a MSG_KEY_RSP with `status` and `key` into the caller's response buffer.
void WriteKeyResponse(const snp_guest_request_ioctl& io, uint32_t status,
                      const std::array<uint8_t, 32>& key) {
  auto* response = reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(io.resp_data));
  StoreLittleEndian<uint32_t>(response + proto::kKeyResponseStatusOffset, status);
  std::memcpy(response + proto::kKeyResponseKeyOffset, key.data(), key.size());
}

DerivedKeyRequest DistinctiveRequest() {
  DerivedKeyRequest request;
  request.root_key = RootKey::kVmrk;
  request.guest_field_select = kFieldImageId | kFieldMeasurement | kFieldTcbVersion;  // 0x2a
  request.vmpl = 2;
  request.guest_svn = 0x01020304;
  request.tcb_version = 0x1122334455667788;
  return request;
}

// ---------------------------------------------------------------- encoding

TEST(EncodeKeyRequestTest, EveryFieldLandsAtItsAbiOffset) {
  const snp_derived_key_req encoded = proto::EncodeKeyRequest(DistinctiveRequest());
  std::array<uint8_t, sizeof(encoded)> bytes{};
  std::memcpy(bytes.data(), &encoded, sizeof(encoded));
  EXPECT_EQ(LoadLittleEndian<uint32_t>(bytes, 0x00), 1u);  // ROOT_KEY_SELECT = VMRK
  EXPECT_EQ(LoadLittleEndian<uint32_t>(bytes, 0x04), 0u);  // reserved
  EXPECT_EQ(LoadLittleEndian<uint64_t>(bytes, 0x08), 0x2au);
  EXPECT_EQ(LoadLittleEndian<uint32_t>(bytes, 0x10), 2u);
  EXPECT_EQ(LoadLittleEndian<uint32_t>(bytes, 0x14), 0x01020304u);
  EXPECT_EQ(LoadLittleEndian<uint64_t>(bytes, 0x18), 0x1122334455667788u);
}

// ------------------------------------------------------- RequestDerivedKey

struct Exchange {
  base::Expected<DerivedKey, DerivedKeyError> result;
  std::array<uint8_t, proto::kKeyResponseSize> scratch_after{};
  int calls = 0;
};

// Runs RequestDerivedKey against `handler` with a scratch buffer the test can
// inspect afterwards.
Exchange RunExchange(const Handler& handler, const DerivedKeyRequest& request = DistinctiveRequest()) {
  FakeGuestDevice device(handler);
  std::array<uint8_t, proto::kKeyResponseSize> scratch{};
  scratch.fill(0x5a);  // garbage: the exchange must not rely on a zeroed buffer
  auto result = proto::RequestDerivedKey(scratch, device, request);
  return {std::move(result), scratch, device.calls()};
}

TEST(RequestDerivedKeyTest, SendsTheRequestAndReturnsTheKeyFromBytes32To63) {
  const DerivedKeyRequest request = DistinctiveRequest();
  const auto key = KeyPattern(0xa0);
  std::array<uint8_t, sizeof(snp_derived_key_req)> sent{};
  const Exchange exchange = RunExchange([&](unsigned long command, snp_guest_request_ioctl& io) {
    EXPECT_EQ(command, static_cast<unsigned long>(SNP_GET_DERIVED_KEY));
    EXPECT_EQ(io.msg_version, 1);
    EXPECT_EQ(io.exitinfo2, 0u);
    std::memcpy(sent.data(), reinterpret_cast<const void*>(static_cast<uintptr_t>(io.req_data)),
                sent.size());
    // The driver gets a clean response buffer.
    EXPECT_TRUE(AllZero({reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(io.resp_data)),
                         proto::kKeyResponseSize}));
    WriteKeyResponse(io, 0, key);
    return 0;
  }, request);
  ASSERT_TRUE(exchange.result.has_value()) << exchange.result.error().message;
  EXPECT_TRUE(std::ranges::equal(exchange.result->bytes(), key));
  EXPECT_EQ(LoadLittleEndian<uint64_t>(sent, 0x08), request.guest_field_select);
  EXPECT_EQ(LoadLittleEndian<uint64_t>(sent, 0x18), request.tcb_version);
  EXPECT_TRUE(AllZero(exchange.scratch_after));
}

TEST(RequestDerivedKeyTest, NonZeroFirmwareStatusIsAFirmwareErrorAndTheBufferIsWiped) {
  const Exchange exchange = RunExchange([](unsigned long, snp_guest_request_ioctl& io) {
    WriteKeyResponse(io, 0x16, KeyPattern(0x10));
    return 0;
  });
  ASSERT_FALSE(exchange.result.has_value());
  EXPECT_EQ(exchange.result.error().code, DerivedKeyErrorCode::kFirmwareError);
  EXPECT_TRUE(Contains(exchange.result.error().message, "0x16 (INVALID_PARAM)"))
      << exchange.result.error().message;
  EXPECT_TRUE(AllZero(exchange.scratch_after));
}

TEST(RequestDerivedKeyTest, IoctlFailureWithFwErrorIsAFirmwareErrorCarryingTheCodes) {
  const Exchange exchange = RunExchange([](unsigned long, snp_guest_request_ioctl& io) {
    io.exitinfo2 = 0x16;
    return EIO;
  });
  ASSERT_FALSE(exchange.result.has_value());
  const DerivedKeyError& error = exchange.result.error();
  EXPECT_EQ(error.code, DerivedKeyErrorCode::kFirmwareError);
  EXPECT_TRUE(Contains(error.message, "fw_error 0x16")) << error.message;
  EXPECT_TRUE(Contains(error.message, "vmm_error 0x0")) << error.message;
  EXPECT_TRUE(Contains(error.message, "errno 5")) << error.message;
  EXPECT_TRUE(AllZero(exchange.scratch_after));
}

TEST(RequestDerivedKeyTest, IoctlFailureWithVmmErrorIsAnIoctlFailureCarryingTheCodes) {
  const Exchange exchange = RunExchange([](unsigned long, snp_guest_request_ioctl& io) {
    io.exitinfo2 = (uint64_t{SNP_GUEST_VMM_ERR_BUSY} << 32) | 0xffffffffu;  // no firmware call
    return EAGAIN;
  });
  ASSERT_FALSE(exchange.result.has_value());
  const DerivedKeyError& error = exchange.result.error();
  EXPECT_EQ(error.code, DerivedKeyErrorCode::kIoctlFailed);
  EXPECT_TRUE(Contains(error.message, "vmm_error 0x2 (BUSY")) << error.message;
  EXPECT_TRUE(Contains(error.message, "did not reach the firmware")) << error.message;
  EXPECT_TRUE(Contains(error.message, "errno 11")) << error.message;
  EXPECT_TRUE(AllZero(exchange.scratch_after));
}

TEST(RequestDerivedKeyTest, PlainIoctlFailureIsAnIoctlFailureWithErrno) {
  const Exchange exchange = RunExchange([](unsigned long, snp_guest_request_ioctl& io) {
    WriteKeyResponse(io, 0, KeyPattern(0x77));  // a response written before failing is still wiped
    return ENOTTY;
  });
  ASSERT_FALSE(exchange.result.has_value());
  EXPECT_EQ(exchange.result.error().code, DerivedKeyErrorCode::kIoctlFailed);
  EXPECT_TRUE(Contains(exchange.result.error().message, "errno 25")) << exchange.result.error().message;
  EXPECT_TRUE(AllZero(exchange.scratch_after));
}

TEST(RequestDerivedKeyTest, SuccessWithAnUnwrittenResponseIsMalformed) {
  const Exchange exchange = RunExchange([](unsigned long, snp_guest_request_ioctl&) { return 0; });
  ASSERT_FALSE(exchange.result.has_value());
  EXPECT_EQ(exchange.result.error().code, DerivedKeyErrorCode::kMalformedResponse);
  EXPECT_TRUE(AllZero(exchange.scratch_after));
}

TEST(RequestDerivedKeyTest, SuccessWithAFirmwareErrorInExitinfo2IsMalformed) {
  const Exchange exchange = RunExchange([](unsigned long, snp_guest_request_ioctl& io) {
    WriteKeyResponse(io, 0, KeyPattern(0x30));
    io.exitinfo2 = 0x7;
    return 0;
  });
  ASSERT_FALSE(exchange.result.has_value());
  EXPECT_EQ(exchange.result.error().code, DerivedKeyErrorCode::kMalformedResponse);
  EXPECT_TRUE(Contains(exchange.result.error().message, "fw_error 0x7 (POLICY_FAILURE)"))
      << exchange.result.error().message;
  EXPECT_TRUE(AllZero(exchange.scratch_after));
}

TEST(RequestDerivedKeyTest, InvalidRequestsNeverReachTheDevice) {
  const Handler must_not_run = [](unsigned long, snp_guest_request_ioctl&) {
    ADD_FAILURE() << "ioctl issued for an invalid request";
    return 0;
  };
  DerivedKeyRequest unknown_bits = DistinctiveRequest();
  unknown_bits.guest_field_select = 0x40;
  DerivedKeyRequest bad_vmpl = DistinctiveRequest();
  bad_vmpl.vmpl = 4;
  for (const auto& request : {unknown_bits, bad_vmpl}) {
    const Exchange exchange = RunExchange(must_not_run, request);
    ASSERT_FALSE(exchange.result.has_value());
    EXPECT_EQ(exchange.result.error().code, DerivedKeyErrorCode::kInvalidRequest);
    EXPECT_EQ(exchange.calls, 0);
    EXPECT_TRUE(AllZero(exchange.scratch_after));
  }
}

// ------------------------------------------- issue 15: fidelity to the ABI

TEST(RequestDerivedKeyTest, LegacyExitinfo2MarkerMeansTheRequestNeverReachedTheFirmware) {
  // Linux <= 6.3 presets exitinfo2 to 0xff and leaves it there when the
  // driver fails the request itself (bad msg_version, disabled VMPCK, ...).
  const Exchange exchange = RunExchange([](unsigned long, snp_guest_request_ioctl& io) {
    io.exitinfo2 = 0xff;
    return EINVAL;
  });
  ASSERT_FALSE(exchange.result.has_value());
  const DerivedKeyError& error = exchange.result.error();
  EXPECT_EQ(error.code, DerivedKeyErrorCode::kIoctlFailed);
  EXPECT_TRUE(Contains(error.message, "did not reach the firmware")) << error.message;
  EXPECT_TRUE(Contains(error.message, "errno 22")) << error.message;
  EXPECT_TRUE(Contains(error.message, "exitinfo2 0xff")) << error.message;
  EXPECT_TRUE(Contains(error.message, "not a firmware status")) << error.message;
  EXPECT_FALSE(Contains(error.message, "refused by the firmware")) << error.message;
  EXPECT_TRUE(AllZero(exchange.scratch_after));
}

TEST(RequestDerivedKeyTest, NewerAllOnesMarkerAlsoMeansNoFirmwareCall) {
  // Later kernels preset SEV_RET_NO_FW_CALL (-1) into the whole u64.
  const Exchange exchange = RunExchange([](unsigned long, snp_guest_request_ioctl& io) {
    io.exitinfo2 = ~uint64_t{0};
    return EIO;
  });
  ASSERT_FALSE(exchange.result.has_value());
  EXPECT_EQ(exchange.result.error().code, DerivedKeyErrorCode::kIoctlFailed);
  EXPECT_TRUE(Contains(exchange.result.error().message, "did not reach the firmware"))
      << exchange.result.error().message;
}

TEST(RequestDerivedKeyTest, SuccessLeavingTheLegacyMarkerInPlaceIsStillSuccess) {
  // Linux 6.1 writes exitinfo2 only on failure, so a successful ioctl can
  // return the 0xff preset; the response STATUS decides.
  const auto key = KeyPattern(0x42);
  const Exchange exchange = RunExchange([&](unsigned long, snp_guest_request_ioctl& io) {
    io.exitinfo2 = 0xff;
    WriteKeyResponse(io, 0, key);
    return 0;
  });
  ASSERT_TRUE(exchange.result.has_value()) << exchange.result.error().message;
  EXPECT_TRUE(std::ranges::equal(exchange.result->bytes(), key));
}

TEST(RequestDerivedKeyTest, EnottyHintNamesADisabledVmpck) {
  // The driver disables the VMPCK after certain failures; every later
  // request fails with ENOTTY although the device is the right one.
  int calls = 0;
  FakeGuestDevice device([&](unsigned long, snp_guest_request_ioctl& io) {
    if (++calls == 1) {
      io.exitinfo2 = 0x16;
      return EIO;
    }
    return ENOTTY;
  });
  std::array<uint8_t, proto::kKeyResponseSize> scratch{};
  const auto first = proto::RequestDerivedKey(scratch, device, DistinctiveRequest());
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().code, DerivedKeyErrorCode::kFirmwareError);
  const auto second = proto::RequestDerivedKey(scratch, device, DistinctiveRequest());
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, DerivedKeyErrorCode::kIoctlFailed);
  EXPECT_TRUE(Contains(second.error().message, "errno 25")) << second.error().message;
  EXPECT_TRUE(Contains(second.error().message, "disabled its VMPCK")) << second.error().message;
  EXPECT_TRUE(Contains(second.error().message, "not the SNP guest device")) << second.error().message;
}

TEST(RequestDerivedKeyTest, KeySelLandsInBitsTwoToOneOfTheFirstWord) {
  for (const auto& [key_select, word] : {std::pair{KeySelect::kDefault, 0u},
                                         std::pair{KeySelect::kVcek, 2u},
                                         std::pair{KeySelect::kVlek, 4u}}) {
    DerivedKeyRequest request = DistinctiveRequest();
    request.root_key = RootKey::kVcek;
    request.key_select = key_select;
    uint32_t sent = 0xdead;
    const Exchange exchange = RunExchange([&](unsigned long, snp_guest_request_ioctl& io) {
      std::memcpy(&sent, reinterpret_cast<const void*>(static_cast<uintptr_t>(io.req_data)),
                  sizeof(sent));
      WriteKeyResponse(io, 0, KeyPattern(1));
      return 0;
    }, request);
    ASSERT_TRUE(exchange.result.has_value()) << exchange.result.error().message;
    EXPECT_EQ(sent, word);
  }
}

TEST(RequestDerivedKeyTest, InvalidKeyStatusIsNamed) {
  DerivedKeyRequest request = DistinctiveRequest();
  request.root_key = RootKey::kVcek;
  request.key_select = KeySelect::kVlek;
  const Exchange exchange = RunExchange([](unsigned long, snp_guest_request_ioctl& io) {
    WriteKeyResponse(io, 0x27, KeyPattern(0));
    return 0;
  }, request);
  ASSERT_FALSE(exchange.result.has_value());
  EXPECT_EQ(exchange.result.error().code, DerivedKeyErrorCode::kFirmwareError);
  EXPECT_TRUE(Contains(exchange.result.error().message, "0x27 (INVALID_KEY)"))
      << exchange.result.error().message;
  EXPECT_TRUE(Contains(exchange.result.error().message, "no VLEK is installed"))
      << exchange.result.error().message;
}

TEST(RequestDerivedKeyTest, StatusCodesCarryTheirAbiNames) {
  const std::pair<uint32_t, const char*> cases[] = {
      {0x04, "0x4 (INVALID_LENGTH)"},     {0x0f, "0xf (DF_FLUSH_REQUIRED)"},
      {0x13, "0x13 (HWERROR_PLATFORM)"},  {0x18, "0x18 (SECURE_DATA_INVALID)"},
      {0x1d, "0x1d (AEAD_OFLOW)"},        {0x21, "0x21 (BAD_SVN)"},
      {0x1e, "0x1e (not a status code"},  {0x28, "0x28 (not a status code"},
  };
  for (const auto& [status, text] : cases) {
    const Exchange exchange = RunExchange([&](unsigned long, snp_guest_request_ioctl& io) {
      WriteKeyResponse(io, status, KeyPattern(0));
      return 0;
    });
    ASSERT_FALSE(exchange.result.has_value());
    EXPECT_TRUE(Contains(exchange.result.error().message, text)) << exchange.result.error().message;
  }
}

TEST(RequestDerivedKeyTest, ThePolicysVmplReachesTheFirmwareWhichRefusesOneBelowTheGuests) {
  // A guest at VMPL 1 (under an SVSM) configured with vmpl 1 asks at VMPL 1;
  // configured with vmpl 0 it is refused by the firmware (INVALID_PARAM).
  constexpr uint32_t kGuestVmpl = 1;
  const Handler firmware = [](unsigned long, snp_guest_request_ioctl& io) {
    snp_derived_key_req sent{};
    std::memcpy(&sent, reinterpret_cast<const void*>(static_cast<uintptr_t>(io.req_data)),
                sizeof(sent));
    if (sent.vmpl < kGuestVmpl) {
      io.exitinfo2 = 0x16;
      return EIO;
    }
    WriteKeyResponse(io, 0, KeyPattern(static_cast<uint8_t>(sent.vmpl)));
    return 0;
  };
  for (uint32_t vmpl : {0u, 1u, 3u}) {
    SCOPED_TRACE(vmpl);
    const auto policy = MakeSealingPolicy(kDefaultPolicyName, "vcek", vmpl);
    ASSERT_TRUE(policy.has_value()) << policy.error().message;
    DerivedKeyRequest request;
    ApplySealingPolicy(*policy, request);
    const Exchange exchange = RunExchange(firmware, request);
    if (vmpl < kGuestVmpl) {
      ASSERT_FALSE(exchange.result.has_value());
      EXPECT_EQ(exchange.result.error().code, DerivedKeyErrorCode::kFirmwareError);
      EXPECT_TRUE(Contains(exchange.result.error().message, "VMPL below the guest's own"))
          << exchange.result.error().message;
    } else {
      ASSERT_TRUE(exchange.result.has_value()) << exchange.result.error().message;
      EXPECT_TRUE(std::ranges::equal(exchange.result->bytes(), KeyPattern(static_cast<uint8_t>(vmpl))));
    }
  }
}

// ------------------------------------------------------------ the provider

TEST(SevGuestProviderTest, GetDerivedKeyReturnsTheDriversKey) {
  const auto key = KeyPattern(0xc0);
  SevGuestProvider provider(std::make_unique<FakeGuestDevice>(
      [&](unsigned long, snp_guest_request_ioctl& io) {
        WriteKeyResponse(io, 0, key);
        return 0;
      }));
  const auto result = provider.GetDerivedKey(DistinctiveRequest());
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_TRUE(std::ranges::equal(result->bytes(), key));
  EXPECT_EQ(provider.platform_name(), "sev-guest");
}

TEST(SevGuestProviderTest, ConcurrentCallsGetTheirOwnResponses) {
  // The fake answers with a key derived from the request's guest_svn; a
  // shared response buffer would mix the answers up.
  SevGuestProvider provider(std::make_unique<FakeGuestDevice>(
      [](unsigned long, snp_guest_request_ioctl& io) {
        snp_derived_key_req request{};
        std::memcpy(&request, reinterpret_cast<const void*>(static_cast<uintptr_t>(io.req_data)),
                    sizeof(request));
        std::this_thread::yield();
        WriteKeyResponse(io, 0, KeyPattern(static_cast<uint8_t>(request.guest_svn)));
        return 0;
      }));
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (uint32_t t = 1; t <= 8; ++t) {
    threads.emplace_back([&, t] {
      DerivedKeyRequest request;
      request.guest_svn = t;
      for (int i = 0; i < 200; ++i) {
        const auto result = provider.GetDerivedKey(request);
        if (!result || !std::ranges::equal(result->bytes(), KeyPattern(static_cast<uint8_t>(t)))) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// Fills a MSG_REPORT_RSP; other TCB fields get different values so that an
// offset mistake reads the wrong number.
void WriteReportResponse(const snp_guest_request_ioctl& io, uint32_t status, uint32_t report_size,
                         uint32_t report_version, uint64_t committed_tcb) {
  auto* response = reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(io.resp_data));
  uint8_t* report = response + proto::kReportResponseReportOffset;
  StoreLittleEndian<uint32_t>(response + 0x00, status);
  StoreLittleEndian<uint32_t>(response + 0x04, report_size);
  StoreLittleEndian<uint32_t>(report + 0x000, report_version);
  StoreLittleEndian<uint64_t>(report + 0x038, 0x1111111111111111);  // CURRENT_TCB
  StoreLittleEndian<uint64_t>(report + 0x180, 0x2222222222222222);  // REPORTED_TCB
  std::memset(report + 0x1A0, 0xcc, 64);                            // CHIP_ID
  StoreLittleEndian<uint64_t>(report + 0x1E0, committed_tcb);       // COMMITTED_TCB
  StoreLittleEndian<uint64_t>(report + 0x1F0, 0x3333333333333333);  // LAUNCH_TCB
}

TEST(SevGuestProviderTest, CommittedTcbComesFromTheAttestationReport) {
  snp_report_req sent{};
  SevGuestProvider provider(
      std::make_unique<FakeGuestDevice>([&](unsigned long command, snp_guest_request_ioctl& io) {
        EXPECT_EQ(command, static_cast<unsigned long>(SNP_GET_REPORT));
        EXPECT_EQ(io.msg_version, 1);
        std::memcpy(&sent, reinterpret_cast<const void*>(static_cast<uintptr_t>(io.req_data)),
                    sizeof(sent));
        WriteReportResponse(io, 0, 0x4A0, 2, 0xdb18000000000004);
        return 0;
      }),
      /*report_vmpl=*/1);
  const auto tcb = provider.CommittedTcb();
  ASSERT_TRUE(tcb.has_value()) << tcb.error().message;
  EXPECT_EQ(*tcb, 0xdb18000000000004u);
  EXPECT_EQ(sent.vmpl, 1u);
  EXPECT_TRUE(AllZero(sent.user_data));
}

struct ReportCase {
  const char* name;
  int errno_value;
  uint32_t status;
  uint32_t report_size;
  uint32_t version;
  DerivedKeyErrorCode expected;
  const char* expected_text;
};

TEST(SevGuestProviderTest, CommittedTcbReportsEveryFailure) {
  const ReportCase cases[] = {
      {"firmware status", 0, 0x16, 0x4A0, 2, DerivedKeyErrorCode::kFirmwareError, "INVALID_PARAM"},
      {"short report", 0, 0, 0x1E8, 2, DerivedKeyErrorCode::kMalformedResponse, "REPORT_SIZE 488"},
      {"report beyond buffer", 0, 0, 4000, 2, DerivedKeyErrorCode::kMalformedResponse,
       "REPORT_SIZE 4000"},
      {"version 1 report", 0, 0, 0x4A0, 1, DerivedKeyErrorCode::kMalformedResponse,
       "version 1 has no COMMITTED_TCB"},
      {"ioctl failure", ENOTTY, 0, 0x4A0, 2, DerivedKeyErrorCode::kIoctlFailed, "errno 25"},
  };
  for (const ReportCase& c : cases) {
    SCOPED_TRACE(c.name);
    SevGuestProvider provider(
        std::make_unique<FakeGuestDevice>([&](unsigned long, snp_guest_request_ioctl& io) {
          WriteReportResponse(io, c.status, c.report_size, c.version, 7);
          return c.errno_value;
        }));
    const auto tcb = provider.CommittedTcb();
    ASSERT_FALSE(tcb.has_value());
    EXPECT_EQ(tcb.error().code, c.expected);
    EXPECT_TRUE(Contains(tcb.error().message, c.expected_text)) << tcb.error().message;
  }
}

// ----------------------------------------------- the real device, for real

TEST(OpenGuestDeviceTest, AbsentDeviceSaysThisIsNotAnSnpGuest) {
  const auto path = testing::TestDir() / "sev-guest";
  const auto device = OpenGuestDevice(path.string());
  ASSERT_FALSE(device.has_value());
  EXPECT_EQ(device.error().code, DerivedKeyErrorCode::kDeviceUnavailable);
  EXPECT_TRUE(Contains(device.error().message, "not an SEV-SNP guest")) << device.error().message;
  EXPECT_TRUE(Contains(device.error().message, path.string())) << device.error().message;
  EXPECT_TRUE(Contains(device.error().message, "`virtual` platform")) << device.error().message;
}

TEST(OpenGuestDeviceTest, DefaultDeviceIsAbsentOnThisMachine) {
  if (std::filesystem::exists(kSevGuestDevicePath)) GTEST_SKIP() << "running inside an SNP guest";
  const auto provider = SevGuestProvider::Open();
  ASSERT_FALSE(provider.has_value());
  EXPECT_EQ(provider.error().code, DerivedKeyErrorCode::kDeviceUnavailable);
  EXPECT_TRUE(Contains(provider.error().message, "/dev/sev-guest is absent"))
      << provider.error().message;
}

TEST(OpenGuestDeviceTest, ARegularFileOpensButItsIoctlFailsWithEnotty) {
  const auto path = testing::TestDir() / "not-a-device";
  std::ofstream(path) << "x";
  auto provider = SevGuestProvider::Open({.device_path = path.string()});
  ASSERT_TRUE(provider.has_value()) << provider.error().message;

  const auto key = (*provider)->GetDerivedKey(DerivedKeyRequest{});
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, DerivedKeyErrorCode::kIoctlFailed);
  EXPECT_TRUE(Contains(key.error().message, "errno 25")) << key.error().message;
  EXPECT_TRUE(Contains(key.error().message, "not the SNP guest device /dev/sev-guest"))
      << key.error().message;

  const auto tcb = (*provider)->CommittedTcb();
  ASSERT_FALSE(tcb.has_value());
  EXPECT_EQ(tcb.error().code, DerivedKeyErrorCode::kIoctlFailed);
}

TEST(OpenGuestDeviceTest, ReportVmplAboveThreeIsRejected) {
  const auto provider = SevGuestProvider::Open({.device_path = "/nonexistent", .report_vmpl = 4});
  ASSERT_FALSE(provider.has_value());
  EXPECT_EQ(provider.error().code, DerivedKeyErrorCode::kInvalidRequest);
}

}  // namespace
}  // namespace ledgerseal::snp
