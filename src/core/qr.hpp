#pragma once

#include <string>

namespace carelive::core {

// A QR code (二次元コード) as SVG: the invite URL staff print or show (SPEC Concepts: Invite) and
// the otpauth:// URI an authenticator app reads (SPEC 15).
struct QrSvg {
  std::string svg;
  int version = 0;  // QR version 1–40
  int modules = 0;  // modules per side without the quiet zone: 17 + 4 × version
};

// Encodes `text` (8-bit mode, error correction level M) with libqrencode and draws the module
// matrix as one <path> of unit squares on a white <rect>, with the 4-module quiet zone of
// ISO/IEC 18004. Throws std::runtime_error when the text does not fit.
QrSvg qr_svg(const std::string& text);

}  // namespace carelive::core
