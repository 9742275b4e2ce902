package benchmark

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunRefusesAnUnknownScenario(t *testing.T) {
	_, err := Run(t.Context(), Options{Profile: Tiny, Only: []string{"bucket-read", "bucket-reads"}})
	if !errors.Is(err, ErrUnknownScenario) || !strings.Contains(err.Error(), `"bucket-reads"`) {
		t.Fatalf("err %v, want ErrUnknownScenario naming the wrong name", err)
	}
}

func TestRunWithoutRedisServerNamesTheDebianPackage(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "redis-server")
	_, err := Run(t.Context(), Options{Profile: Tiny, RedisServer: missing})
	if !errors.Is(err, ErrNoRedisServer) || !strings.Contains(err.Error(), "Debian package redis-server") {
		t.Fatalf("err %v, want ErrNoRedisServer naming the Debian package", err)
	}
}

func TestRunRefusesAnIncompleteProfile(t *testing.T) {
	p := Tiny
	p.Rounds = 0
	if _, err := Run(t.Context(), Options{Profile: p}); err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Fatalf("err %v, want a refusal of the profile", err)
	}
}

func TestSelectScenariosKeepsTheRunOrder(t *testing.T) {
	got, err := selectScenarios([]string{"fanout", "bucket-read"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].id != "bucket-read" || got[1].id != "fanout" {
		t.Errorf("selected %v, want bucket-read then fanout", got)
	}
}
