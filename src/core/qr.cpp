#include "core/qr.hpp"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace carelive::core {

namespace {
constexpr int kQuietZone = 4;
struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};
}  // namespace

QrSvg qr_svg(const std::string& text) {
  std::unique_ptr<QRcode, QrFree> code(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!code) throw std::runtime_error("QR encoding failed");
  const int width = code->width;
  const int side = width + 2 * kQuietZone;
  std::string path;
  path.reserve(static_cast<std::size_t>(width * width) * 6);
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      // Bit 0 of each byte is the module's colour (1 = dark); the other bits are metadata.
      if (code->data[y * width + x] & 1) {
        path += 'M' + std::to_string(x + kQuietZone) + ' ' + std::to_string(y + kQuietZone) +
                "h1v1h-1z";
      }
    }
  }
  const std::string s = std::to_string(side);
  QrSvg out;
  out.version = code->version;
  out.modules = width;
  out.svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + s + " " + s +
            "\" shape-rendering=\"crispEdges\" aria-hidden=\"true\" focusable=\"false\">"
            "<rect width=\"" +
            s + "\" height=\"" + s + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path +
            "\"/></svg>";
  return out;
}

}  // namespace carelive::core
