package invokepolicy

import (
	"fmt"
	"unicode"
)

// MaxDocumentSize is the most characters IAM accepts in a managed policy
// document. White space is not counted.
const MaxDocumentSize = 6144

// Size returns a document's size as IAM counts it: characters other than
// white space.
func Size(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// TooLargeError says that a document exceeds MaxDocumentSize, and how many
// function ARNs would fit.
type TooLargeError struct {
	// Size is the document's size.
	Size int
	// ARNs is how many function ARNs the document holds.
	ARNs int
	// Fit is about how many ARNs of the current average length fit.
	Fit int
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the invoke policy would be %d characters, more than the %d IAM allows for a managed policy: "+
		"it would list %d function ARNs and about %d fit; remove apps or app versions you no longer use with "+
		"`appsctl aws clean --app <app_id> [--version <version>]` and deploy again",
		e.Size, MaxDocumentSize, e.ARNs, e.Fit)
}

// CheckSize returns a *TooLargeError when d is over MaxDocumentSize.
func CheckSize(d *Document) error {
	text, err := d.Marshal()
	if err != nil {
		return err
	}
	size := Size(text)
	if size <= MaxDocumentSize {
		return nil
	}
	arns := d.LambdaARNs()
	return &TooLargeError{Size: size, ARNs: len(arns), Fit: fitARNs(d, arns)}
}

// fitARNs estimates how many ARNs of the average length of arns fit in the
// document next to its other statements.
func fitARNs(d *Document, arns []string) int {
	if len(arns) == 0 {
		return 0
	}
	// base is the size of the document whose ARN list is [""].
	probe := d.Clone()
	probe.SetLambdaARNs([]string{"x"})
	text, err := probe.Marshal()
	if err != nil {
		return 0
	}
	base := Size(text) - 1
	total := 0
	for _, a := range arns {
		total += len(a)
	}
	// n ARNs of lengths l_i make the document base-3+sum(l_i+3) long: each
	// costs its length, two quotes and a comma (one comma fewer than ARNs,
	// and base already has one pair of quotes).
	perARN := float64(total)/float64(len(arns)) + 3
	fit := int(float64(MaxDocumentSize-base+3) / perARN)
	return max(fit, 0)
}
