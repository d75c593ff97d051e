#include "outputs/metrics_collector.hpp"

#include <cassert>
#include <memory>

#include "btsensor/decode.hpp"
#include "btsensor/events.hpp"

namespace btsensor {

void SampleWriter::add(std::initializer_list<std::string_view> label_values, double value) {
  // A getter that disagrees with the catalogue is a programming error; the unit tests walk
  // every family, so it cannot ship. Skipped rather than thrown on the HTTP thread.
  assert(label_values.size() == spec_.labels.size());
  if (label_values.size() != spec_.labels.size()) return;
  prometheus::ClientMetric m;
  size_t i = 0;
  for (std::string_view v : label_values)
    m.label.push_back({std::string(spec_.labels[i++]), std::string(v)});
  if (spec_.type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  out_.metric.push_back(std::move(m));
}

bool MetricsCollector::add(std::string_view family, FamilyGetter getter) {
  const FamilySpec* spec = find_family(family);
  if (!spec || spec->status != FamilyStatus::kProduced) return false;
  bindings_.push_back({spec, std::move(getter)});
  return true;
}

std::vector<prometheus::MetricFamily> MetricsCollector::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  for (const FamilySpec& spec : metric_catalogue()) {
    prometheus::MetricFamily fam;
    fam.name = spec.name;
    fam.help = spec.help;
    fam.type = spec.type;
    SampleWriter w(spec, fam);
    for (const Binding& b : bindings_)
      if (b.spec == &spec) b.get(w);
    if (!fam.metric.empty()) out.push_back(std::move(fam));
  }
  return out;
}

namespace {

// Sum of one counter over all shards.
template <class F>
double sum_shards(const std::vector<const ShardStats*>& shards, F field) {
  uint64_t s = 0;
  for (const ShardStats* st : shards) s += field(*st).get();
  return double(s);
}

}  // namespace

void add_engine_sources(MetricsSources& src, const std::vector<const Shard*>& shards,
                        const SharedTables& shared) {
  for (const Shard* s : shards) {
    src.shards.push_back(&s->stats());
    src.classifiers.push_back(&s->classifier_stats());
    src.models.push_back(&s->model_stats());
  }
  // Read once here on the control thread, which owns publication: no reader race.
  if (const SignatureSet* sigs = shared.signatures.get())
    for (const SignatureMeta& m : sigs->sigs) src.signatures.push_back(m.name);
  if (const ReputationTable* rep = shared.reputation.get()) {
    double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (size_t i = 0; i < rep->feeds().size(); ++i)
      src.feeds.push_back({rep->feeds()[i], rep->feed_entries()[i], now});
  }
}

void add_builtin_families(MetricsCollector& c, MetricsSources src_in) {
  // Shared by every getter; lives as long as the collector's bindings.
  auto src = std::make_shared<const MetricsSources>(std::move(src_in));
  using std::chrono::duration;
  using std::chrono::system_clock;

  c.add("btsensor_build_info", [src](SampleWriter& w) { w.add({src->version}, 1); });
  c.add("btsensor_start_time_seconds", [src](SampleWriter& w) {
    w.add(duration<double>(src->start_time.time_since_epoch()).count());
  });
  c.add("btsensor_uptime_seconds", [src](SampleWriter& w) {
    w.add(duration<double>(system_clock::now() - src->start_time).count());
  });

  // Ports and their queues.
  auto port_family = [&](const char* name, const Counter PortStats::*field) {
    c.add(name, [src, field](SampleWriter& w) {
      for (const PortStats* p : src->ports) w.add({p->name}, double((p->*field).get()));
    });
  };
  port_family("btsensor_port_rx_packets_total", &PortStats::ipackets);
  port_family("btsensor_port_rx_bytes_total", &PortStats::ibytes);
  port_family("btsensor_port_rx_missed_packets_total", &PortStats::imissed);
  port_family("btsensor_port_rx_errors_total", &PortStats::ierrors);
  port_family("btsensor_port_rx_nombuf_total", &PortStats::rx_nombuf);
  auto queue_family = [&](const char* name, const Counter RxQueueStats::*field) {
    c.add(name, [src, field](SampleWriter& w) {
      for (const PortStats* p : src->ports)
        for (size_t q = 0; q < p->queues.size(); ++q)
          w.add({p->name, std::to_string(q)}, double((p->queues[q].get()->*field).get()));
    });
  };
  queue_family("btsensor_queue_rx_packets_total", &RxQueueStats::packets);
  queue_family("btsensor_queue_rx_bytes_total", &RxQueueStats::bytes);

  // Rings, one per worker.
  auto ring_family = [&](const char* name, const Counter RingStats::*field) {
    c.add(name, [src, field](SampleWriter& w) {
      for (size_t i = 0; i < src->rings.size(); ++i)
        w.add({std::to_string(i)}, double((src->rings[i]->*field).get()));
    });
  };
  ring_family("btsensor_ring_enqueued_packets_total", &RingStats::enqueued);
  ring_family("btsensor_ring_dropped_packets_total", &RingStats::dropped);

  // Lcores.
  auto lcore_family = [&](const char* name, const Counter LcoreStats::*field) {
    c.add(name, [src, field](SampleWriter& w) {
      for (const LcoreStats* l : src->lcores)
        w.add({std::to_string(l->lcore_id), l->role}, double((l->*field).get()));
    });
  };
  lcore_family("btsensor_lcore_busy_cycles_total", &LcoreStats::busy_cycles);
  lcore_family("btsensor_lcore_cycles_total", &LcoreStats::total_cycles);

  // Engine shards: one series per family, summed here. Replay and the dataplane both have
  // at least one shard, so these always exist.
  auto shard_family = [&](const char* name, const Counter ShardStats::*field) {
    c.add(name, [src, field](SampleWriter& w) {
      w.add(sum_shards(src->shards,
                       [field](const ShardStats& s) -> const Counter& { return s.*field; }));
    });
  };
  shard_family("btsensor_packets_total", &ShardStats::packets);
  shard_family("btsensor_bytes_total", &ShardStats::bytes);
  shard_family("btsensor_decode_no_l4_packets_total", &ShardStats::no_l4);
  shard_family("btsensor_flows_active", &ShardStats::flows_active);
  shard_family("btsensor_flows_created_total", &ShardStats::flows_created);
  shard_family("btsensor_flows_evicted_total", &ShardStats::flows_evicted);
  shard_family("btsensor_flows_untracked_packets_total", &ShardStats::flows_dropped);
  shard_family("btsensor_packet_time_regressions_total", &ShardStats::time_regressions);
  c.add("btsensor_decode_errors_total", [src](SampleWriter& w) {
    for (size_t k = 1; k < kDecodeStatusCount; ++k)  // index 0 is "ok"
      w.add({decode_status_name(DecodeStatus(k))},
            sum_shards(src->shards,
                       [k](const ShardStats& s) -> const Counter& { return s.decode[k]; }));
  });
  c.add("btsensor_flows_ended_total", [src](SampleWriter& w) {
    for (size_t r = 0; r < std::tuple_size_v<decltype(ShardStats::flows_ended)>; ++r)
      w.add({flow_end_reason_name(FlowEndReason(r))},
            sum_shards(src->shards,
                       [r](const ShardStats& s) -> const Counter& { return s.flows_ended[r]; }));
  });

  // Hosts.
  shard_family("btsensor_hosts_active", &ShardStats::hosts_active);
  shard_family("btsensor_hosts_created_total", &ShardStats::hosts_created);
  shard_family("btsensor_hosts_evicted_total", &ShardStats::hosts_evicted);

  // Classifier (one ClassifierStats per shard, summed).
  auto csum = [src](auto field) {
    double v = 0;
    for (const ClassifierStats* cs : src->classifiers) v += double(field(*cs).get());
    return v;
  };
  c.add("btsensor_dpi_matches_total", [src, csum](SampleWriter& w) {
    for (size_t i = 0; i < src->signatures.size() && i < kMaxSignatures; ++i)
      w.add({src->signatures[i]},
            csum([i](const ClassifierStats& cs) -> const Counter& { return cs.matches[i]; }));
  });
  c.add("btsensor_flows_classified_total", [csum](SampleWriter& w) {
    for (int e = 0; e < kEvidenceCount; ++e)
      w.add({evidence_name(Evidence(e))}, csum([e](const ClassifierStats& cs) -> const Counter& {
              return cs.flows_by_evidence[size_t(e)];
            }));
  });
  c.add("btsensor_flows_bittorrent_total", [csum](SampleWriter& w) {
    w.add(csum([](const ClassifierStats& cs) -> const Counter& { return cs.flows_bittorrent; }));
  });
  c.add("btsensor_dpi_scanned_bytes_total", [csum](SampleWriter& w) {
    w.add(csum([](const ClassifierStats& cs) -> const Counter& { return cs.scanned_bytes; }));
  });
  c.add("btsensor_flow_details_exhausted_total", [csum](SampleWriter& w) {
    w.add(csum([](const ClassifierStats& cs) -> const Counter& { return cs.detail_exhausted; }));
  });

  // Host models.
  auto msum = [src](auto field) {
    double v = 0;
    for (const ModelStats* m : src->models) v += double(field(*m).get());
    return v;
  };
  c.add("btsensor_labels_active", [msum](SampleWriter& w) {
    for (int l = 0; l < kLabelCount; ++l)
      w.add({label_name(LabelId(l))}, msum([l](const ModelStats& m) -> const Counter& {
              return m.labels_active[size_t(l)];
            }));
  });
  c.add("btsensor_label_events_total", [msum](SampleWriter& w) {
    for (int l = 0; l < kLabelCount; ++l) {
      size_t i = size_t(l);
      w.add({label_name(LabelId(l)), "set"},
            msum([i](const ModelStats& m) -> const Counter& { return m.labels_set[i]; }));
      w.add({label_name(LabelId(l)), "expire"},
            msum([i](const ModelStats& m) -> const Counter& { return m.labels_expired[i]; }));
      w.add({label_name(LabelId(l)), "evicted"},
            msum([i](const ModelStats& m) -> const Counter& { return m.labels_evicted[i]; }));
    }
  });
  c.add("btsensor_label_pool_evictions_total", [msum](SampleWriter& w) {
    w.add(msum([](const ModelStats& m) -> const Counter& { return m.label_pool_evictions; }));
  });
  c.add("btsensor_alerts_total", [msum](SampleWriter& w) {
    for (int m = 0; m < kModelCount; ++m)
      w.add({model_name(ModelId(m))},
            msum([m](const ModelStats& s) -> const Counter& { return s.alerts[size_t(m)]; }));
  });

  // Reputation feeds.
  // With hot reload the feed list is the last good load's (ControlStats), else the start's.
  auto feeds = [src] {
    std::vector<FeedStatus> v;
    if (src->control) return src->control->feeds();
    for (const auto& f : src->feeds) v.push_back({f.name, f.entries, f.loaded_at});
    return v;
  };
  c.add("btsensor_reputation_entries", [feeds](SampleWriter& w) {
    for (const auto& f : feeds()) w.add({f.name}, double(f.entries));
  });
  c.add("btsensor_feed_age_seconds", [feeds](SampleWriter& w) {
    double now = duration<double>(system_clock::now().time_since_epoch()).count();
    for (const auto& f : feeds()) w.add({f.name}, now - f.loaded_at);
  });
  c.add("btsensor_reloads_total", [src](SampleWriter& w) {
    w.add({"ok"}, src->control ? double(src->control->reloads_ok.get()) : 0);
    w.add({"failed"}, src->control ? double(src->control->reloads_failed.get()) : 0);
  });

  // Outputs.
  auto output_family = [&](const char* name, const Counter OutputStats::*field) {
    c.add(name, [src, field](SampleWriter& w) {
      for (const OutputStats* o : src->outputs) w.add({o->name}, double((o->*field).get()));
    });
  };
  output_family("btsensor_output_records_written_total", &OutputStats::written);
  output_family("btsensor_output_records_dropped_total", &OutputStats::dropped);
  output_family("btsensor_output_errors_total", &OutputStats::errors);

  // Exclusions: one series per configured exclusion (none configured: no series).
  c.add("btsensor_events_suppressed_total", [src](SampleWriter& w) {
    if (!src->exclusions || !src->exclusion_ids) return;
    const size_t n = src->exclusion_ids->size();  // ids interned so far (never shrinks)
    for (size_t i = 0; i < n && i < kMaxExclusions; ++i)
      w.add({*src->exclusion_ids->at(i)}, double(src->exclusions->by_exclusion[i].get()));
  });
}

}  // namespace btsensor
