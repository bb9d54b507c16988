package lambdalocal

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFunctionRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, query string
		want       functionRef
		wantErr    bool
	}{
		{raw: "fn", want: functionRef{Name: "fn"}},
		{raw: "fn:$LATEST", want: functionRef{Name: "fn", Qualifier: "$LATEST"}},
		{raw: "fn", query: "7", want: functionRef{Name: "fn", Qualifier: "7"}},
		{raw: "fn:7", query: "7", want: functionRef{Name: "fn", Qualifier: "7"}},
		{raw: "123456789012:function:fn", want: functionRef{Name: "fn", Account: "123456789012"}},
		{raw: "123456789012:function:fn:live", want: functionRef{Name: "fn", Qualifier: "live", Account: "123456789012"}},
		{
			raw:  "arn:aws:lambda:eu-west-1:123456789012:function:my_fn-1",
			want: functionRef{Name: "my_fn-1", Region: "eu-west-1", Account: "123456789012", ARN: "arn:aws:lambda:eu-west-1:123456789012:function:my_fn-1"},
		},
		{
			raw:  "arn:aws:lambda:us-east-1:123456789012:function:fn:prod",
			want: functionRef{Name: "fn", Qualifier: "prod", Region: "us-east-1", Account: "123456789012", ARN: "arn:aws:lambda:us-east-1:123456789012:function:fn:prod"},
		},
		{raw: "", wantErr: true},
		{raw: "fn:1", query: "2", wantErr: true},
		{raw: "a.b", wantErr: true},
		{raw: "../etc", wantErr: true},
		{raw: "fn:bad qualifier", wantErr: true},
		{raw: "a:b:c", wantErr: true},
		{raw: "arn:aws:lambda:us-east-1:123456789012:function:fn:1:2", wantErr: true},
		{raw: "x123456789012345678901234567890123456789012345678901234567890123456", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.raw+"?"+tt.query, func(t *testing.T) {
			got, err := parseFunctionRef(tt.raw, tt.query)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
