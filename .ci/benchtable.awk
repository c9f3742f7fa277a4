# Turns `go test -bench` output into the budget table `make bench` prints:
# each budget from the issues, the measured value, and whether it holds.
function row(what, budget, value, unit, ok) {
	printf "| %-52s | %-10s | %12s %-4s | %-4s |\n", what, budget, value, unit, ok ? "yes" : "NO"
}
{
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i += 2) m[name, $(i+1)] = $i
	print > "/dev/stderr"
}
END {
	print ""
	printf "| %-52s | %-10s | %17s | %-4s |\n", "budget", "limit", "measured", "holds"
	printf "|%s|%s|%s|%s|\n", "------------------------------------------------------", "------------", "-------------------", "------"
	v = m["BenchmarkPutRecord", "median-ms"]; row("store one record, durable commit (median)", "5 ms", sprintf("%.2f", v), "ms", v <= 5)
	v = m["BenchmarkList100k", "ns/op"] / 1e6; row("list 100,000 records", "1000 ms", sprintf("%.0f", v), "ms", v <= 1000)
	v = m["BenchmarkBulkIntake10k", "ns/op"] / 1e6; row("store 10,000 intakes from JSON Lines", "10000 ms", sprintf("%.0f", v), "ms", v <= 10000)
	v = m["BenchmarkRekey10k", "rekey-ms"]; row("change the master key of 10,000 records", "5000 ms", sprintf("%.0f", v), "ms", v <= 5000)
	v = m["BenchmarkErase100k", "erase-ms"]; row("wipe a vault of 100,000 records", "2000 ms", sprintf("%.0f", v), "ms", v <= 2000)
	v = m["BenchmarkErase100k", "duress-extra-ms"]; s = m["BenchmarkErase100k", "scrypt-ms"]
	row("duress unlock beyond its scrypt (" sprintf("%.0f", s) " ms)", "10% scrypt", sprintf("%.1f", v), "ms", v <= s / 10)
	v = m["BenchmarkBulkBinary", "time-ratio-100k"]; row("100,000 intakes, real binary / SQLCipher, same run", "4x", sprintf("%.2f", v), "x", v > 0 && v <= 4)
	a = m["BenchmarkBulkBinary", "fv-10k-s"]; b = m["BenchmarkBulkBinary", "fv-100k-s"]
	row("  time 100,000 / 10,000 intakes (" sprintf("%.1f / %.1f s", b, a) ")", "about 10x", sprintf("%.1f", a ? b / a : 0), "x", a > 0 && b / a <= 12)
	v = m["BenchmarkBulkBinary", "fv-10k-MiB"]; row("  peak resident size, 10,000 intakes", "100 MiB", sprintf("%.0f", v), "MiB", v > 0 && v < 100)
	v = m["BenchmarkBulkBinary", "fv-100k-MiB"]; row("  peak resident size, 100,000 intakes", "100 MiB", sprintf("%.0f", v), "MiB", v > 0 && v < 100)
	a = m["BenchmarkBulkBinary", "fv-10k-MiB"]; row("  peak resident size, 100,000 / 10,000 intakes", "flat", sprintf("%.2f", a ? v / a : 0), "x", a > 0 && v / a <= 1.1)
	v = m["BenchmarkBulkBinary", "file-ratio-100k"]; s = m["BenchmarkBulkBinary", "fv-file-100k-MiB"]; t = m["BenchmarkBulkBinary", "sqlcipher-file-100k-MiB"]
	row("  vault file / SQLCipher's (" sprintf("%.0f / %.0f MiB", s, t) ")", "3x", sprintf("%.2f", v), "x", v > 0 && v <= 3)
	v = m["BenchmarkBulkBinary", "cases-export-list-ratio"]; a = m["BenchmarkBulkBinary", "cases-export-100k-s"]; b = m["BenchmarkBulkBinary", "list-json-100k-s"]
	row("cases export 100,000 to CSV / list --json (" sprintf("%.1f / %.1f s", a, b) ")", "3x", sprintf("%.2f", v), "x", v > 0 && v <= 3)
	v = m["BenchmarkBulkBinary", "cases-export-100k-MiB"]; row("  peak resident size, cases export of 100,000", "100 MiB", sprintf("%.0f", v), "MiB", v > 0 && v < 100)
	v = m["BenchmarkBulkBinary", "cases-push-100k-s"]; row("cases push 100,000 into PostgreSQL", "15 s", sprintf("%.1f", v), "s", v > 0 && v <= 15)
	a = m["BenchmarkBulkBinary", "cases-repush-100k-s"]; row("  the same push again, unchanged (" sprintf("%.1f s", a) ")", "much less", sprintf("%.2f", v ? a / v : 0), "x", a > 0 && a <= v / 3)
	v = m["BenchmarkExportImport10k", "export/baseline"]; row("export 10,000 records / tar + age, same run", "3x", sprintf("%.2f", v), "x", v <= 3)
	v = m["BenchmarkExportImport10k", "import/baseline"]; row("import 10,000 records / tar + age, same run", "4x", sprintf("%.2f", v), "x", v <= 4)
	v = m["BenchmarkMemory100k", "export-peak-MiB"]; row("peak heap exporting 100,000 records", "64 MiB", sprintf("%.0f", v), "MiB", v <= 64)
	v = m["BenchmarkMemory100k", "import-peak-MiB"]; row("peak heap importing 100,000 records", "64 MiB", sprintf("%.0f", v), "MiB", v <= 64)
}
