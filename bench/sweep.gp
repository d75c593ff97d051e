# Plots one sweep of bench/compare.sh's sweep.csv: engine_alone Mpps per CPU second (median,
# with the min–max range of the passes), the wall-clock Mpps, and TSC cycles of CPU time per
# packet against the swept parameter.
#   gnuplot -e "csv='build/bench/sweep.csv'; sweep='flows'; out='flows.png'" bench/sweep.gp
set terminal pngcairo size 900,560 noenhanced font ",11"
set output out
set datafile separator ","
set title sprintf("engine_alone, one shard: %s sweep", sweep)
xl = sweep eq "flows" ? "flows in the capture (all live at once: 64-byte frames, 10 s span)" : \
     sweep eq "hosts" ? "internal hosts (100k flows)" : \
     sweep eq "reputation" ? "reputation entries, IPv4 /32 (0 plotted at 1)" : \
     "dpi.max_packets: payload packets inspected per flow direction"
set xlabel xl
set ylabel "Mpps (median, min-max of the passes)"
set y2label "TSC cycles of CPU time / packet"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set grid
set key below
if (sweep ne "dpi_max_packets") set logscale x
if (sweep eq "reputation") set xrange [0.5:*]
# The reputation sweep starts at 0 entries: plotted at 1 on the log axis.
sel = sprintf("< grep '^%s,' '%s'", sweep, csv)
x(v) = (sweep eq "reputation" && v == 0) ? 1 : v
plot sel using (x($2)):($3/1e6):($4/1e6):($5/1e6) with yerrorlines lw 2 title "Mpps per CPU second", \
     sel using (x($2)):($7/1e6):($8/1e6):($9/1e6) with yerrorlines lw 1 title "Mpps wall clock (shared machine)", \
     sel using (x($2)):6 axes x1y2 with linespoints lw 2 dt 2 title "cycles/packet (CPU time)"
