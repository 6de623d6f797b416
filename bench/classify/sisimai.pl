#!/usr/bin/perl
# sisimai.pl ROUNDS FILE...: parses every file ROUNDS times with Debian's
# Sisimai (libsisimai-perl) and prints the same summary line as
# bench_classify, for the ratio in bench/classify/run.sh.
use strict;
use warnings;
use Sisimai;
use Time::HiRes qw(time);

my $rounds = shift @ARGV;
my @files = @ARGV;
my $rcpts = 0;
my $t0 = time;
for (1 .. $rounds) {
    for my $f (@files) {
        my $v = Sisimai->make($f, 'delivered' => 1);
        $rcpts += scalar @$v if $v;
    }
}
my $dt = time - $t0;
printf "files=%d rounds=%d recipients=%d seconds=%.3f files_per_second=%.0f\n",
    scalar @files, $rounds, $rcpts, $dt, @files * $rounds / $dt;
