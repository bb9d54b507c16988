package invokepolicy

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSizeIgnoresWhiteSpace(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{`{"a":"b"}`, 9},
		{"{ \"a\" :\n\t\"b\" }", 9},
		{"é", 1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Size(tt.in), "%q", tt.in)
	}
}

// arns returns n distinct function ARNs of equal length.
func arns(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("arn:aws:lambda:us-east-1:123456789012:function:com-example-app_1-0-0_fn%04d", i)
	}
	return out
}

func TestCheckSize(t *testing.T) {
	d := New("aws", "mattermost-apps-bucket")
	d.SetLambdaARNs(arns(200))
	err := CheckSize(d)
	var tooLarge *TooLargeError
	require.True(t, errors.As(err, &tooLarge), "200 long ARNs exceed 6,144 characters: %v", err)
	assert.Equal(t, 200, tooLarge.ARNs)
	assert.Greater(t, tooLarge.Size, MaxDocumentSize)
	assert.Contains(t, err.Error(), "6144")
	assert.Contains(t, err.Error(), "appsctl aws clean --app")

	// The estimate is exact for ARNs of equal length: Fit ARNs fit, one
	// more does not.
	fit := tooLarge.Fit
	require.Positive(t, fit)
	d.SetLambdaARNs(arns(fit))
	require.NoError(t, CheckSize(d), "%d ARNs should fit", fit)
	d.SetLambdaARNs(arns(fit + 1))
	require.Error(t, CheckSize(d), "%d ARNs should not fit", fit+1)
}

func TestCheckSizeCountsOtherStatements(t *testing.T) {
	big := `{"Sid":"Big","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("x", 6000) + `"}`
	d := docWith(t, big)
	d.AddLambdaARNs(arnA)
	err := CheckSize(d)
	var tooLarge *TooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, 0, tooLarge.Fit)
}
