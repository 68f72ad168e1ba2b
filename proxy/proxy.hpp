#pragma once
// The record/replay proxy as a net::Handler: every request goes down the filter chain of
// proxy/chain.hpp (admin -> faults -> validation -> replay -> forward and record). Replay answers
// on the server thread from the in-memory index; forwarding runs on a pool of worker threads so
// that a slow upstream never blocks replay or admin requests.
#include <memory>
#include <vector>

#include "net/http.hpp"
#include "proxy/chain.hpp"
#include "proxy/options.hpp"

namespace popcheck::proxy {

class ProxyHandler : public net::Handler {
 public:
  // Loads the fixtures (problems go to `report`) and connects nothing yet. Errors: a bad upstream
  // URL or CA file, a mode that forwards without an upstream.
  static Expected<std::shared_ptr<ProxyHandler>> create(ProxyOptions options, LoadReport& report);
  ~ProxyHandler() override;

  void handle(net::HttpRequest request, net::Respond respond) override;

  Mode mode() const { return context_.mode.load(); }
  Expected<void> set_mode(Mode mode) { return context_.set_mode(mode); }
  ProxyStats stats() const { return context_.stats(); }
  LoadReport reload() { return context_.store.load(); }
  const FixtureStore& store() const { return context_.store; }
  FaultInjector& faults() { return context_.faults; }
  Validator* validator() const { return context_.options.validator.get(); }

 private:
  explicit ProxyHandler(ProxyOptions options);

  ProxyContext context_;
  ForwardFilter forward_{context_};
  AdminFilter admin_{context_, forward_};
  FaultFilter faults_{context_};
  ValidationFilter validation_{context_};
  ReplayFilter replay_{context_};
  Filter* chain_[5] = {&admin_, &faults_, &validation_, &replay_, &forward_};
};

}  // namespace popcheck::proxy
