// A WebSocket echo server in C++ on WebSocket++ 0.8 and standalone Asio (Debian's
// libwebsocketpp-dev and libasio-dev, both header-only), for scripts/bench-compare: a C++ peer
// compiled on this machine.
//
//   g++ -O2 -std=c++17 -o wspp-echo scripts/bench/wspp-echo.cpp -lz -pthread
//   wspp-echo PORT [--deflate]
//
// Single-threaded: one Asio event loop runs every connection, which is how WebSocket++'s own echo
// example is written (a multi-threaded server needs a thread pool around io_context::run and the
// asio config's strands). Echoes every message to its sender with the same opcode. --deflate
// accepts permessage-deflate (RFC 7692) with WebSocket++'s extension and its defaults (zlib's
// default level, context kept between messages) and compresses every message it sends; without
// it the extension is not offered. Listens on 127.0.0.1 only and prints
// "listening on ws://127.0.0.1:PORT/" when ready; SIGTERM and SIGINT stop it.
#define ASIO_STANDALONE
#define _WEBSOCKETPP_CPP11_STL_

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/extensions/permessage_deflate/enabled.hpp>
#include <websocketpp/server.hpp>

namespace {

// WebSocket++'s asio config with the permessage-deflate extension switched on, as its
// documentation shows. Messages up to 16 MiB, as the other servers of the comparison accept.
struct deflate_config : public websocketpp::config::asio {
  typedef deflate_config type;
  typedef websocketpp::config::asio base;

  struct permessage_deflate_config {};
  typedef websocketpp::extensions::permessage_deflate::enabled<permessage_deflate_config>
      permessage_deflate_type;

  static const size_t max_message_size = 16 * 1024 * 1024;
};

struct plain_config : public websocketpp::config::asio {
  typedef plain_config type;
  typedef websocketpp::config::asio base;

  static const size_t max_message_size = 16 * 1024 * 1024;
};

template <typename Config>
int serve(unsigned short port, const char* mode) {
  typedef websocketpp::server<Config> server_type;
  server_type server;
  server.clear_access_channels(websocketpp::log::alevel::all);
  server.clear_error_channels(websocketpp::log::elevel::all);
  server.set_error_channels(websocketpp::log::elevel::fatal);
  server.init_asio();
  server.set_reuse_addr(true);
  server.set_listen_backlog(4096); // as Netty's default (somaxconn), as ws-server.js does
  server.set_message_handler(
      [&server](websocketpp::connection_hdl hdl, typename server_type::message_ptr msg) {
        websocketpp::lib::error_code ec;
        // send(hdl, payload, opcode) marks the message compressible: with the extension
        // negotiated it goes out deflated, without it plain.
        server.send(hdl, msg->get_payload(), msg->get_opcode(), ec);
      });

  asio::signal_set signals(server.get_io_service(), SIGINT, SIGTERM);
  signals.async_wait([&server](const asio::error_code&, int) {
    websocketpp::lib::error_code ec;
    server.stop_listening(ec);
    server.stop();
  });

  websocketpp::lib::error_code ec;
  server.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) {
    std::cerr << "wspp-echo: cannot listen on 127.0.0.1:" << port << ": " << ec.message()
              << std::endl;
    return 1;
  }
  server.start_accept();
  std::cout << "listening on ws://127.0.0.1:" << port << "/ (echo" << mode << ", WebSocket++ "
            << websocketpp::major_version << "." << websocketpp::minor_version << "."
            << websocketpp::patch_version << ")" << std::endl;
  server.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool deflate = false;
  long port = -1;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--deflate") {
      deflate = true;
    } else if (port < 0) {
      char* end = nullptr;
      port = std::strtol(argv[i], &end, 10);
      if (*end != '\0') port = 0;
    } else {
      port = 0;
    }
  }
  if (port <= 0 || port > 65535) {
    std::cerr << "usage: wspp-echo PORT [--deflate]" << std::endl;
    return 2;
  }
  try {
    return deflate ? serve<deflate_config>(static_cast<unsigned short>(port), ", permessage-deflate")
                   : serve<plain_config>(static_cast<unsigned short>(port), "");
  } catch (const std::exception& e) {
    std::cerr << "wspp-echo: " << e.what() << std::endl;
    return 1;
  }
}
