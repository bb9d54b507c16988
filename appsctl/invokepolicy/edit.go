package invokepolicy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// S3 statements.

// EnsureS3 makes the AllowS3 and AllowS3list statements grant exactly the
// invoke permissions on bucket, and reports whether the document changed.
func (d *Document) EnsureS3(partition, bucket string) bool {
	bucketARN := fmt.Sprintf("arn:%s:s3:::%s", partition, bucket)
	changed := d.set(statement{
		Sid:      SidS3,
		Effect:   "Allow",
		Action:   []string{"s3:GetObject"},
		Resource: []string{bucketARN + "/manifests/*", bucketARN + "/static/*"},
	})
	if d.set(statement{
		Sid:      SidS3List,
		Effect:   "Allow",
		Action:   []string{"s3:ListBucket"},
		Resource: []string{bucketARN},
	}) {
		changed = true
	}
	if d.Version == "" {
		d.Version = DocumentVersion
		changed = true
	}
	return changed
}

// Lambda statement.

// LambdaARNs returns the function ARNs in the AllowLambda statement.
func (d *Document) LambdaARNs() []string {
	i := d.find(SidLambda)
	if i < 0 {
		return nil
	}
	var s struct {
		Resource stringList `json:"Resource"`
	}
	if err := json.Unmarshal(d.Statements[i], &s); err != nil {
		return nil
	}
	return []string(s.Resource)
}

// SetLambdaARNs makes the AllowLambda statement allow lambda:InvokeFunction
// on exactly arns (deduplicated and sorted). With no ARNs the statement is
// removed, since IAM does not accept a statement without resources. It
// reports whether the document changed.
func (d *Document) SetLambdaARNs(arns []string) bool {
	set := normalize(arns)
	if len(set) == 0 {
		return d.remove(SidLambda)
	}
	return d.set(statement{
		Sid:      SidLambda,
		Effect:   "Allow",
		Action:   []string{"lambda:InvokeFunction"},
		Resource: set,
	})
}

// AddLambdaARNs adds function ARNs to the AllowLambda statement and reports
// whether the document changed.
func (d *Document) AddLambdaARNs(arns ...string) bool {
	return d.SetLambdaARNs(append(d.LambdaARNs(), arns...))
}

// RemoveLambdaARNs removes function ARNs from the AllowLambda statement and
// returns the ones that were there.
func (d *Document) RemoveLambdaARNs(arns ...string) []string {
	drop := make(map[string]bool, len(arns))
	for _, a := range arns {
		drop[a] = true
	}
	return d.removeLambdaIf(func(arn string) bool { return drop[arn] })
}

// RemoveLambdaFunctions removes the ARNs of the named Lambda functions
// (in any region or account) and returns the ARNs removed.
func (d *Document) RemoveLambdaFunctions(names ...string) []string {
	drop := make(map[string]bool, len(names))
	for _, n := range names {
		drop[n] = true
	}
	return d.removeLambdaIf(func(arn string) bool { return drop[FunctionName(arn)] })
}

func (d *Document) removeLambdaIf(match func(string) bool) []string {
	var keep, removed []string
	for _, arn := range d.LambdaARNs() {
		if match(arn) {
			removed = append(removed, arn)
		} else {
			keep = append(keep, arn)
		}
	}
	if len(removed) > 0 {
		d.SetLambdaARNs(keep)
	}
	return removed
}

// normalize deduplicates and sorts ARNs, dropping empty ones.
func normalize(arns []string) []string {
	out := make([]string, 0, len(arns))
	for _, a := range arns {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// FunctionName returns the function name of a Lambda function ARN
// ("arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]"), or "" when
// arn is not one.
func FunctionName(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" {
		return ""
	}
	return parts[6]
}

// UnqualifiedARN drops a version or alias qualifier from a function ARN.
func UnqualifiedARN(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) > 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function" {
		return strings.Join(parts[:7], ":")
	}
	return arn
}
