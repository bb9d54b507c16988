package lambdalocal

import (
	"fmt"
	"regexp"
	"strings"
)

// validName matches Lambda function names (the name part only).
var validName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// validQualifier matches version numbers, $LATEST and alias names.
var validQualifier = regexp.MustCompile(`^(\$LATEST|[A-Za-z0-9_-]{1,128})$`)

// functionRef is a parsed FunctionName parameter: a plain name, NAME:qualifier,
// a partial ARN ACCOUNT:function:NAME[:qualifier] or a full ARN
// arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:qualifier].
type functionRef struct {
	Name      string
	Qualifier string
	// ARN is the full ARN when the caller used one, else empty.
	ARN string
	// Region and Account are set when the caller named them.
	Region, Account string
}

// parseFunctionRef parses a FunctionName path parameter. queryQualifier is the
// Qualifier query parameter, which must agree with a qualifier in the name.
func parseFunctionRef(raw, queryQualifier string) (functionRef, error) {
	var ref functionRef
	parts := strings.Split(raw, ":")
	switch {
	case len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function":
		if len(parts) > 8 {
			return ref, fmt.Errorf("function name %q: too many ':' separated parts", raw)
		}
		ref.Region, ref.Account, ref.Name = parts[3], parts[4], parts[6]
		if len(parts) == 8 {
			ref.Qualifier = parts[7]
		}
		ref.ARN = raw
	case len(parts) >= 3 && parts[1] == "function":
		if len(parts) > 4 {
			return ref, fmt.Errorf("function name %q: too many ':' separated parts", raw)
		}
		ref.Account, ref.Name = parts[0], parts[2]
		if len(parts) == 4 {
			ref.Qualifier = parts[3]
		}
	case len(parts) <= 2:
		ref.Name = parts[0]
		if len(parts) == 2 {
			ref.Qualifier = parts[1]
		}
	default:
		return ref, fmt.Errorf("function name %q is neither a name nor an ARN", raw)
	}
	if !validName.MatchString(ref.Name) {
		return ref, fmt.Errorf("function name %q: the name must be 1-64 characters from [A-Za-z0-9_-]", raw)
	}
	if queryQualifier != "" {
		if ref.Qualifier != "" && ref.Qualifier != queryQualifier {
			return ref, fmt.Errorf("function name %q: qualifier %q differs from the Qualifier parameter %q", raw, ref.Qualifier, queryQualifier)
		}
		ref.Qualifier = queryQualifier
	}
	if ref.Qualifier != "" && !validQualifier.MatchString(ref.Qualifier) {
		return ref, fmt.Errorf("function name %q: invalid qualifier %q", raw, ref.Qualifier)
	}
	return ref, nil
}

// functionARN builds an unqualified function ARN.
func functionARN(region, account, name string) string {
	return "arn:aws:lambda:" + region + ":" + account + ":function:" + name
}

// qualify appends a qualifier to an ARN when there is one.
func qualify(arn, qualifier string) string {
	if qualifier == "" {
		return arn
	}
	return arn + ":" + qualifier
}
