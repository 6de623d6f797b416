#!/usr/bin/perl
# sisimai.pl ROUNDS FILE...: Debian's Sisimai (libsisimai-perl) on the same
# files as bench_classify, measured the same way: the files are read into
# memory and Sisimai is loaded before any timing (perl start-up excluded),
# one untimed warm-up pass over all files loads the modules Sisimai requires
# lazily, then ROUNDS passes are timed one by one, each file given to
# Sisimai->make() as a scalar reference.  Prints the summary line of
# bench_classify: the medians over the rounds of files per CPU second of
# the process and of files per wall-clock second.
use strict;
use warnings;
use Sisimai;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC CLOCK_PROCESS_CPUTIME_ID);

my $rounds = shift @ARGV;
my @mails;
for my $f (@ARGV) {
    open(my $fh, '<:raw', $f) or die "$f: $!\n";
    local $/;
    push @mails, scalar <$fh>;
    close $fh;
}

sub pass {
    my $n = 0;
    for my $m (@mails) {
        my $v = Sisimai->make(\$m, 'delivered' => 1);
        $n += scalar @$v if $v;
    }
    return $n;
}

sub median {
    my @v = sort { $a <=> $b } @_;
    return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}

my $rcpts = pass();    # warm-up, not timed
my (@cpu, @wall);
my $cpu_total = 0;
for (1 .. $rounds) {
    my $c0 = clock_gettime(CLOCK_PROCESS_CPUTIME_ID);
    my $w0 = clock_gettime(CLOCK_MONOTONIC);
    pass();
    my $c1 = clock_gettime(CLOCK_PROCESS_CPUTIME_ID);
    my $w1 = clock_gettime(CLOCK_MONOTONIC);
    $cpu_total += $c1 - $c0;
    push @cpu,  @mails / ($c1 - $c0);
    push @wall, @mails / ($w1 - $w0);
}
printf "files=%d rounds=%d recipients=%d cpu_seconds=%.3f "
    . "files_per_second=%.0f wall_files_per_second=%.0f\n",
    scalar @mails, $rounds, $rcpts, $cpu_total, median(@cpu), median(@wall);
