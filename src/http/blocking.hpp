#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <type_traits>

namespace carelive::http {

namespace net = boost::asio;

// Runs `fn` on the worker pool and resumes the calling coroutine on its own executor with the
// result (or its exception). Blocking work — SQL, Argon2id — never runs on an I/O thread.
template <class F>
net::awaitable<std::invoke_result_t<F>> run_blocking(net::thread_pool& pool, F fn) {
  using R = std::invoke_result_t<F>;
  static_assert(std::is_default_constructible_v<R>, "result must be default constructible");
  co_return co_await net::async_initiate<decltype(net::use_awaitable), void(std::exception_ptr, R)>(
      [&pool](auto handler, F work) {
        net::post(pool, [work = std::move(work), handler = std::move(handler)]() mutable {
          std::exception_ptr error;
          R result{};
          try {
            result = work();
          } catch (...) {
            error = std::current_exception();
          }
          auto ex = net::get_associated_executor(handler);
          net::post(ex,
                    [handler = std::move(handler), error, result = std::move(result)]() mutable {
                      handler(error, std::move(result));
                    });
        });
      },
      net::use_awaitable, std::move(fn));
}

}  // namespace carelive::http
