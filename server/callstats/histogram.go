package callstats

import (
	"math"
	"sort"
	"time"

	"github.com/lambda-apps/lambda-apps/server/appcall"
)

// Latencies are counted in a fixed log-scale histogram: bucket 0 holds calls
// of at most minBound (1 ms), bucket i (1..numBounds-1) calls longer than
// bound i-1 and at most bound i, where bound i = 1 ms × 2^(i/4), and the last
// bucket calls longer than the largest bound (2^16 ms = 65.536 s).
//
// Precision: a quantile is reported as the upper bound of the bucket that
// holds it, so between 1 ms and 65.5 s it is never below the true value and
// at most 2^(1/4) ≈ 1.19 times it (up to 19 % high). It is then clamped to
// the smallest and largest duration seen, so a quantile below 1 ms or above
// 65.5 s is reported as the extreme itself.
const (
	bucketsPerDoubling = 4
	doublings          = 16
	minBound           = time.Millisecond
	numBounds          = bucketsPerDoubling*doublings + 1 // 1 ms ... 65.536 s
	numBuckets         = numBounds + 1                    // and one above the largest bound
)

// bounds are the buckets' upper bounds, in increasing order.
var bounds = func() [numBounds]time.Duration {
	var b [numBounds]time.Duration
	for i := range b {
		b[i] = time.Duration(math.Round(float64(minBound) * math.Exp2(float64(i)/bucketsPerDoubling)))
	}
	return b
}()

// bucketOf returns the bucket of a duration (a binary search: exact at the
// bounds, no floating point on the hot path).
func bucketOf(d time.Duration) int {
	return sort.Search(numBounds, func(i int) bool { return d <= bounds[i] })
}

// outcomes are the outcome classes counted, in the order of the counters;
// an outcome not in this list is counted as appcall.OutcomeFailed.
var outcomes = [...]string{
	appcall.OutcomeOK, appcall.OutcomeAppError, appcall.OutcomeFunctionError, appcall.OutcomeTimeout,
	appcall.OutcomeThrottled, appcall.OutcomeAccessDenied, appcall.OutcomeNotFound, appcall.OutcomeBadResponse,
	appcall.OutcomeTooLarge, appcall.OutcomeRefused, appcall.OutcomeFailed,
}

const numOutcomes = len(outcomes)

var outcomeIndex = func() map[string]int {
	m := make(map[string]int, numOutcomes)
	for i, o := range outcomes {
		m[o] = i
	}
	return m
}()

func indexOfOutcome(o string) int {
	if i, ok := outcomeIndex[o]; ok {
		return i
	}
	return outcomeIndex[appcall.OutcomeFailed]
}

// series counts calls: per outcome, per latency bucket, their total
// duration and the extremes.
type series struct {
	buckets  [numBuckets]uint64
	outcomes [numOutcomes]uint64
	count    uint64
	sum      time.Duration
	min, max time.Duration
}

func (s *series) add(bucket, outcome int, d time.Duration) {
	if s.count == 0 || d < s.min {
		s.min = d
	}
	if d > s.max {
		s.max = d
	}
	s.buckets[bucket]++
	s.outcomes[outcome]++
	s.count++
	s.sum += d
}

func (s *series) merge(o *series) {
	if o.count == 0 {
		return
	}
	if s.count == 0 || o.min < s.min {
		s.min = o.min
	}
	if o.max > s.max {
		s.max = o.max
	}
	for i := range s.buckets {
		s.buckets[i] += o.buckets[i]
	}
	for i := range s.outcomes {
		s.outcomes[i] += o.outcomes[i]
	}
	s.count += o.count
	s.sum += o.sum
}

// quantile returns the q-quantile (0 < q ≤ 1) of the durations counted,
// with the precision described above; 0 when nothing was counted. It is
// the upper bound of the bucket of the ⌈q·n⌉-th smallest duration, clamped
// to [min, max].
func (s *series) quantile(q float64) time.Duration {
	if s.count == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(s.count)))
	rank = max(rank, 1)
	rank = min(rank, s.count)
	var cum uint64
	v := s.max
	for i, n := range s.buckets {
		cum += n
		if cum >= rank {
			if i < numBounds {
				v = bounds[i]
			}
			break
		}
	}
	return min(max(v, s.min), s.max)
}
