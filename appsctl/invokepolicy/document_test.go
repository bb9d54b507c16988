package invokepolicy

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	arnA = "arn:aws:lambda:us-east-1:123456789012:function:app_1-0_a"
	arnB = "arn:aws:lambda:us-east-1:123456789012:function:app_1-0_b"
	arnC = "arn:aws:lambda:us-east-1:123456789012:function:other_2_c"
)

// custom is a statement this package does not manage; it must survive
// every edit unchanged, including its key order and unknown fields.
const custom = `{"Sid":"Custom","Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`

func docWith(t *testing.T, statements ...string) *Document {
	t.Helper()
	d, err := Parse(`{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`)
	require.NoError(t, err)
	return d
}

func lambdaStatement(arns ...string) string {
	b, _ := json.Marshal(statement{Sid: SidLambda, Effect: "Allow", Action: []string{"lambda:InvokeFunction"}, Resource: arns})
	return string(b)
}

func marshal(t *testing.T, d *Document) string {
	t.Helper()
	s, err := d.Marshal()
	require.NoError(t, err)
	return s
}

func TestParse(t *testing.T) {
	plain := `{"Version":"2012-10-17","Statement":[` + custom + `]}`
	tests := []struct {
		name    string
		in      string
		wantErr string
		check   func(t *testing.T, d *Document)
	}{
		{name: "plain JSON", in: plain, check: func(t *testing.T, d *Document) {
			assert.Equal(t, "2012-10-17", d.Version)
			require.Len(t, d.Statements, 1)
			assert.JSONEq(t, custom, string(d.Statements[0]))
		}},
		{name: "URL-encoded as IAM returns it", in: url.PathEscape(plain), check: func(t *testing.T, d *Document) {
			require.Len(t, d.Statements, 1)
			assert.JSONEq(t, custom, string(d.Statements[0]))
		}},
		{name: "plus signs stay plus signs", in: url.PathEscape(`{"Version":"2012-10-17","Statement":[{"Sid":"X","Resource":"a+b"}]}`),
			check: func(t *testing.T, d *Document) { assert.Contains(t, string(d.Statements[0]), "a+b") }},
		{name: "single statement object", in: `{"Version":"2012-10-17","Id":"x","Statement":` + custom + `}`, check: func(t *testing.T, d *Document) {
			assert.Equal(t, "x", d.ID)
			require.Len(t, d.Statements, 1)
		}},
		{name: "no statements", in: `{"Version":"2012-10-17"}`, check: func(t *testing.T, d *Document) {
			assert.Empty(t, d.Statements)
			assert.Equal(t, `{"Version":"2012-10-17","Statement":[]}`, marshal(t, d))
		}},
		{name: "not JSON", in: `{"Version":`, wantErr: "not valid JSON"},
		{name: "bad escape", in: `%zz`, wantErr: "URL-encoded"},
		{name: "statement is a string", in: `{"Statement":"x"}`, wantErr: "neither an object nor a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(tt.in)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			tt.check(t, d)
		})
	}
}

func TestNewDocument(t *testing.T) {
	got := marshal(t, New("aws", "my-bucket"))
	assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowS3","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::my-bucket/manifests/*","arn:aws:s3:::my-bucket/static/*"]},
		{"Sid":"AllowS3list","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::my-bucket"]}]}`, got)
	assert.Contains(t, marshal(t, New("aws-cn", "b")), `"arn:aws-cn:s3:::b/manifests/*"`)
}

func TestEnsureS3(t *testing.T) {
	tests := []struct {
		name        string
		doc         func(t *testing.T) *Document
		bucket      string
		wantChanged bool
	}{
		{name: "already right", doc: func(*testing.T) *Document { return New("aws", "b1") }, bucket: "b1"},
		{name: "other bucket", doc: func(*testing.T) *Document { return New("aws", "b0") }, bucket: "b1", wantChanged: true},
		{name: "missing statements", doc: func(t *testing.T) *Document { return docWith(t, custom) }, bucket: "b1", wantChanged: true},
		{name: "action as a string is rewritten", doc: func(t *testing.T) *Document {
			return docWith(t, `{"Sid":"AllowS3","Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b1/manifests/*","arn:aws:s3:::b1/static/*"]}`,
				`{"Sid":"AllowS3list","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::b1"]}`)
		}, bucket: "b1", wantChanged: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.doc(t)
			assert.Equal(t, tt.wantChanged, d.EnsureS3("aws", tt.bucket))
			assert.False(t, d.EnsureS3("aws", tt.bucket), "a second call changes nothing")
			text := marshal(t, d)
			assert.Contains(t, text, `"arn:aws:s3:::`+tt.bucket+`/static/*"`)
			assert.Contains(t, text, `"Resource":["arn:aws:s3:::`+tt.bucket+`"]`)
		})
	}
}

func TestLambdaEdits(t *testing.T) {
	tests := []struct {
		name        string
		start       []string // statements
		edit        func(d *Document) any
		wantResult  any
		wantARNs    []string
		wantLambda  bool // AllowLambda statement present afterwards
		wantChanged bool
	}{
		{
			name: "add to a document without AllowLambda", start: []string{custom},
			edit:       func(d *Document) any { return d.AddLambdaARNs(arnB, arnA) },
			wantResult: true, wantARNs: []string{arnA, arnB}, wantLambda: true, wantChanged: true,
		},
		{
			name: "add deduplicates and sorts", start: []string{custom, lambdaStatement(arnC, arnA)},
			edit:       func(d *Document) any { return d.AddLambdaARNs(arnA, arnB, arnB, " ") },
			wantResult: true, wantARNs: []string{arnA, arnB, arnC}, wantLambda: true, wantChanged: true,
		},
		{
			name: "adding present ARNs changes nothing", start: []string{lambdaStatement(arnA, arnB), custom},
			edit:       func(d *Document) any { return d.AddLambdaARNs(arnB) },
			wantResult: false, wantARNs: []string{arnA, arnB}, wantLambda: true,
		},
		{
			name: "unsorted statement is normalized when touched", start: []string{lambdaStatement(arnB, arnA)},
			edit:       func(d *Document) any { return d.AddLambdaARNs(arnA) },
			wantResult: true, wantARNs: []string{arnA, arnB}, wantLambda: true, wantChanged: true,
		},
		{
			name: "remove some", start: []string{custom, lambdaStatement(arnA, arnB, arnC)},
			edit:       func(d *Document) any { return d.RemoveLambdaARNs(arnB, "arn:not-there") },
			wantResult: []string{arnB}, wantARNs: []string{arnA, arnC}, wantLambda: true, wantChanged: true,
		},
		{
			name: "removing the last ARN removes the statement", start: []string{custom, lambdaStatement(arnA)},
			edit:       func(d *Document) any { return d.RemoveLambdaARNs(arnA) },
			wantResult: []string{arnA}, wantChanged: true,
		},
		{
			name: "remove absent ARNs", start: []string{lambdaStatement(arnA)},
			edit:       func(d *Document) any { return d.RemoveLambdaARNs(arnB) },
			wantResult: []string(nil), wantARNs: []string{arnA}, wantLambda: true,
		},
		{
			name: "remove by function name, also qualified ARNs", start: []string{lambdaStatement(arnA, arnB+":$LATEST", arnC)},
			edit:       func(d *Document) any { return d.RemoveLambdaFunctions("app_1-0_b", "app_1-0_a") },
			wantResult: []string{arnA, arnB + ":$LATEST"}, wantARNs: []string{arnC}, wantLambda: true, wantChanged: true,
		},
		{
			name: "resource given as a single string", start: []string{`{"Sid":"AllowLambda","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"` + arnA + `"}`},
			edit:       func(d *Document) any { return d.AddLambdaARNs(arnB) },
			wantResult: true, wantARNs: []string{arnA, arnB}, wantLambda: true, wantChanged: true,
		},
		{
			name: "set to nothing on a document without AllowLambda", start: []string{custom},
			edit:       func(d *Document) any { return d.SetLambdaARNs(nil) },
			wantResult: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := docWith(t, tt.start...)
			before := d.Clone()
			got := tt.edit(d)
			assert.Equal(t, tt.wantResult, got)
			assert.Equal(t, tt.wantARNs, d.LambdaARNs())
			assert.Equal(t, tt.wantLambda, d.find(SidLambda) >= 0)
			assert.Equal(t, tt.wantChanged, !Equal(before, d))
			if i := before.find("Custom"); i >= 0 {
				j := d.find("Custom")
				require.GreaterOrEqual(t, j, 0, "custom statement kept")
				assert.Equal(t, string(before.Statements[i]), string(d.Statements[j]), "custom statement byte for byte")
			}
			if tt.wantLambda {
				assert.JSONEq(t, lambdaStatement(tt.wantARNs...), string(d.Statements[d.find(SidLambda)]))
			}
		})
	}
}

func TestMarshalKeepsCustomStatementAndSpecialCharacters(t *testing.T) {
	d := docWith(t, custom, `{"Sid":"Amp","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a&b/<x>"}`)
	d.AddLambdaARNs(arnA)
	text := marshal(t, d)
	assert.Contains(t, text, custom)
	assert.Contains(t, text, "a&b/<x>", "no HTML escaping")
	again, err := Parse(url.PathEscape(text))
	require.NoError(t, err)
	assert.True(t, Equal(d, again), "round trip through IAM's encoding")
}

func TestARNHelpers(t *testing.T) {
	tests := []struct {
		arn, name, unqualified string
	}{
		{arnA, "app_1-0_a", arnA},
		{arnA + ":$LATEST", "app_1-0_a", arnA},
		{arnA + ":prod", "app_1-0_a", arnA},
		{"arn:aws:s3:::bucket", "", "arn:aws:s3:::bucket"},
		{"arn:aws:lambda:us-east-1:1:layer:x:1", "", "arn:aws:lambda:us-east-1:1:layer:x:1"},
		{"nonsense", "", "nonsense"},
	}
	for _, tt := range tests {
		t.Run(tt.arn, func(t *testing.T) {
			assert.Equal(t, tt.name, FunctionName(tt.arn))
			assert.Equal(t, tt.unqualified, UnqualifiedARN(tt.arn))
		})
	}
}
