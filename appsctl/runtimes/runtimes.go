// Package runtimes is AWS Lambda's runtime deprecation calendar, and what
// deploy does with a function whose runtime AWS deprecates: Node.js
// functions whose runtime AWS no longer accepts move to the oldest Node.js
// runtime AWS still accepts for both create and update (same handler
// string); other languages are only warned about, except for drop-in
// successors.
//
// The calendar is one table, Calendar, with the page its dates come from.
// Every decision takes the current time as an argument, so that tests are
// deterministic.
package runtimes

import (
	"fmt"
	"time"
)

// Source is AWS's page of Lambda runtimes and their deprecation dates.
const Source = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"

// ReadOn is when the dates in Calendar were collected (see Runtime.Cite:
// the search tool available then did not return the table of Source
// itself, so every row names the public copy of Source's dates it was
// taken from).
const ReadOn = "2026-11-30"

// Families of runtimes.
const (
	NodeJS   = "nodejs"
	Python   = "python"
	Java     = "java"
	DotNet   = "dotnet"
	Ruby     = "ruby"
	Go       = "go"
	Provided = "provided"
)

// Runtime is one row of AWS's calendar. A zero date is one that is not
// published (not scheduled) or that could not be cited.
type Runtime struct {
	// ID is Lambda's runtime identifier, e.g. "nodejs20.x".
	ID     string
	Family string
	// Deprecation is when AWS stops patching the runtime; BlockCreate and
	// BlockUpdate are when Lambda refuses to create functions on it, and
	// to update them.
	Deprecation, BlockCreate, BlockUpdate time.Time
	// Retired marks a runtime AWS lists as deprecated whose dates are not
	// in this table: it is treated as deprecated, with unknown block dates.
	Retired bool
	// DropIn is the runtime AWS documents as its successor when moving to
	// it needs no change to the package or handler (same language
	// version); deploy then migrates to it once the runtime is blocked.
	DropIn string
	// Cite says where the dates were read.
	Cite string
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(fmt.Sprintf("runtimes: bad date %q: %v", s, err))
	}
	return t
}

// Where the rows' dates were read: public copies of Source's table.
const (
	citeCDK       = "Source's dates for nodejs14.x as quoted in github.com/aws/aws-cdk/discussions/29108 (and repost.aws)"
	citeEOLkits   = "Source as fetched 2026-07-22, quoted in the EOLkits launch notes (github.com/ntoledo319/EOLkits)"
	citeCloud     = "Source as of February 2026, quoted by the CloudQuery Node.js 20 migration guide"
	citeCourse    = "Source as re-read in a courseware audit (public repository document quoting Source's table)"
	citeDotNet    = "Source's .NET rows as quoted by endoflife.ai (dev.to/endoflifeai/aws-lambda-net-5-6-and-8-every-deprecation-date-2k83)"
	citeExisting  = "listed as deprecated by Source; dates not cited here"
	citeNoneFound = "no dates could be cited"
)

// Calendar is AWS Lambda's runtime calendar, oldest first within a family.
var Calendar = []Runtime{
	{ID: "nodejs12.x", Family: NodeJS, Deprecation: day("2023-03-31"), BlockCreate: day("2023-03-31"), BlockUpdate: day("2023-04-30"), Cite: citeCourse},
	{ID: "nodejs14.x", Family: NodeJS, Deprecation: day("2023-12-04"), BlockCreate: day("2024-01-09"), BlockUpdate: day("2024-02-08"), Cite: citeCDK},
	{ID: "nodejs16.x", Family: NodeJS, Deprecation: day("2024-06-12"), BlockCreate: day("2027-02-01"), BlockUpdate: day("2027-03-03"), Cite: citeEOLkits},
	{ID: "nodejs18.x", Family: NodeJS, Deprecation: day("2025-09-01"), BlockCreate: day("2027-02-01"), BlockUpdate: day("2027-03-03"), Cite: citeEOLkits},
	{ID: "nodejs20.x", Family: NodeJS, Deprecation: day("2026-04-30"), BlockCreate: day("2027-02-01"), BlockUpdate: day("2027-03-03"), Cite: citeEOLkits},
	{ID: "nodejs22.x", Family: NodeJS, Deprecation: day("2027-04-30"), BlockCreate: day("2027-06-01"), BlockUpdate: day("2027-07-01"), Cite: citeCloud},
	{ID: "nodejs24.x", Family: NodeJS, Deprecation: day("2028-04-30"), BlockCreate: day("2028-06-01"), BlockUpdate: day("2028-07-01"), Cite: citeCloud},

	{ID: "python3.6", Family: Python, Retired: true, Cite: citeExisting},
	{ID: "python3.7", Family: Python, Retired: true, Cite: citeExisting},
	{ID: "python3.8", Family: Python, Deprecation: day("2024-10-14"), BlockCreate: day("2027-02-01"), BlockUpdate: day("2027-03-03"), Cite: citeCourse},
	{ID: "python3.9", Family: Python, Deprecation: day("2025-12-15"), BlockCreate: day("2027-02-01"), BlockUpdate: day("2027-03-03"), Cite: citeEOLkits},
	{ID: "python3.10", Family: Python, Deprecation: day("2026-10-31"), BlockCreate: day("2027-02-01"), BlockUpdate: day("2027-03-03"), Cite: citeEOLkits},
	{ID: "python3.11", Family: Python, Deprecation: day("2027-06-30"), BlockCreate: day("2027-07-31"), BlockUpdate: day("2027-08-31"), Cite: citeEOLkits},
	{ID: "python3.12", Family: Python, Cite: citeNoneFound},
	{ID: "python3.13", Family: Python, Cite: citeNoneFound},

	{ID: "java8", Family: Java, Retired: true, DropIn: "java8.al2", Cite: citeExisting},
	{ID: "java8.al2", Family: Java, Cite: citeNoneFound},
	{ID: "java11", Family: Java, Cite: citeNoneFound},
	{ID: "java17", Family: Java, Cite: citeNoneFound},
	{ID: "java21", Family: Java, Cite: citeNoneFound},

	{ID: "dotnetcore3.1", Family: DotNet, Deprecation: day("2023-04-03"), BlockCreate: day("2023-04-03"), BlockUpdate: day("2023-05-03"), Cite: citeDotNet},
	{ID: "dotnet6", Family: DotNet, Deprecation: day("2024-12-20"), BlockCreate: day("2027-02-01"), BlockUpdate: day("2027-03-03"), Cite: citeDotNet},
	{ID: "dotnet8", Family: DotNet, Deprecation: day("2026-11-10"), BlockCreate: day("2027-02-01"), BlockUpdate: day("2027-03-03"), Cite: citeDotNet},

	{ID: "ruby2.7", Family: Ruby, Retired: true, Cite: citeExisting},
	{ID: "ruby3.2", Family: Ruby, Cite: citeNoneFound},
	{ID: "ruby3.3", Family: Ruby, Cite: citeNoneFound},

	// go1.x is migrated by package gomigrate (it needs a new package, not
	// only a new runtime). Its block-update date could not be cited.
	{ID: "go1.x", Family: Go, Deprecation: day("2024-01-08"), BlockCreate: day("2024-02-08"), Retired: true, Cite: citeCourse},

	{ID: "provided", Family: Provided, Retired: true, Cite: citeExisting},
	{ID: "provided.al2", Family: Provided, Cite: citeNoneFound},
	{ID: "provided.al2023", Family: Provided, Cite: citeNoneFound},
}

// Lookup returns the calendar row of runtime id.
func Lookup(id string) (Runtime, bool) {
	for _, r := range Calendar {
		if r.ID == id {
			return r, true
		}
	}
	return Runtime{}, false
}

func reached(d, now time.Time) bool { return !d.IsZero() && !now.Before(d) }

// Deprecated reports whether AWS has deprecated r at now.
func (r Runtime) Deprecated(now time.Time) bool { return r.Retired || reached(r.Deprecation, now) }

// CreateBlocked reports whether Lambda refuses to create functions on r at
// now, as far as the calendar says.
func (r Runtime) CreateBlocked(now time.Time) bool { return reached(r.BlockCreate, now) }

// UpdateBlocked reports whether Lambda refuses to update functions on r at
// now, as far as the calendar says. A runtime whose block-update date is
// unknown but whose block-create date has passed counts as blocked for
// updates once it is Retired.
func (r Runtime) UpdateBlocked(now time.Time) bool {
	return reached(r.BlockUpdate, now) || (r.Retired && r.BlockUpdate.IsZero() && reached(r.BlockCreate, now))
}

// Accepted reports whether Lambda accepts r for both creating and updating
// functions at now: its dates are known (or not scheduled) and not reached.
func (r Runtime) Accepted(now time.Time) bool {
	return !r.Retired && !r.CreateBlocked(now) && !r.UpdateBlocked(now)
}

// OldestAccepted returns the oldest runtime of family that Lambda accepts
// for create and update at now and that is newer than after (an ID of the
// same family; "" for any).
func OldestAccepted(family, after string, now time.Time) (Runtime, bool) {
	seen := after == ""
	for _, r := range Calendar {
		if r.Family != family {
			continue
		}
		if !seen {
			seen = r.ID == after
			continue
		}
		if r.Accepted(now) {
			return r, true
		}
	}
	return Runtime{}, false
}

// FormatDate formats a calendar date as in AWS's table.
func FormatDate(t time.Time) string { return t.Format("Jan 2, 2006") }
