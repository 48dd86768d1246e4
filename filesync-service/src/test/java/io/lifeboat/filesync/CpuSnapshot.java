package io.lifeboat.filesync;

import java.util.List;
import java.util.Map;

import io.lifeboat.filesync.testing.ProcessCpu;
import io.lifeboat.filesync.testing.ServiceUnderTest;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.ObjectStore;

/**
 * CPU used so far by every process of a run, in ms (rclone's as that of the children this JVM has waited for),
 * and the service's per thread: what a copy costs the machine, and where, for filesync and rclone alike.
 */
record CpuSnapshot(Map<String, Long> processes, long serviceKernel, Map<String, Long> serviceThreads) {

    static CpuSnapshot take(ServiceUnderTest service, ObjectStore home, ObjectStore offsite, KafkaBroker kafka) {
        Map<String, Long> processes = new java.util.LinkedHashMap<>();
        processes.put("service", service.cpuMillis());
        processes.put("rclone", ProcessCpu.reapedChildrenMillis());
        processes.put("home store", ProcessCpu.millis(home.pid().orElseThrow()));
        processes.put("offsite store", ProcessCpu.millis(offsite.pid().orElseThrow()));
        processes.put("broker", ProcessCpu.millis(kafka.pid().orElseThrow()));
        return new CpuSnapshot(processes, service.kernelCpuMillis(), service.cpuMillisByThread());
    }

    /** "total 9.58 s, 4.79 ms per file, service 5.55 s, ... (service: in the kernel 0.60 s; threads, s: ...)". */
    String since(CpuSnapshot before, int files) {
        StringBuilder parts = new StringBuilder();
        long total = 0;
        for (Map.Entry<String, Long> p : processes.entrySet()) {
            long used = p.getValue() - before.processes.get(p.getKey());
            total += used;
            parts.append(String.format(", %s %.2f s", p.getKey(), used / 1000.0));
        }
        List<String> threads = serviceThreads.entrySet().stream()
                .map(t -> Map.entry(t.getKey(), t.getValue() - before.serviceThreads.getOrDefault(t.getKey(), 0L)))
                .filter(t -> t.getValue() >= 50)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(t -> String.format("%s %.2f", t.getKey(), t.getValue() / 1000.0)).toList();
        return String.format("total %.2f s, %.2f ms per file%s%s", total / 1000.0, total / (double) files, parts,
                threads.isEmpty() ? "" : " (service: in the kernel " + String.format("%.2f s", (serviceKernel
                        - before.serviceKernel) / 1000.0) + "; threads, s: " + String.join(", ", threads) + ")");
    }
}
