package testaws

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartMoto(t *testing.T) {
	m := StartMoto(t)
	out, err := m.Clients().STS().GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, AccountID, *out.Account)
	assert.Equal(t, m.URL, m.Env()["AWS_ENDPOINT_URL"])
}

func TestMotoStopsWithTheTest(t *testing.T) {
	var url string
	t.Run("inner", func(t *testing.T) {
		url = StartMoto(t).URL
		resp, err := http.Get(url + "/moto-api/")
		require.NoError(t, err)
		_ = resp.Body.Close()
	})
	_, err := http.Get(url + "/moto-api/")
	require.Error(t, err, "moto must be stopped when the test that started it ends")
}
