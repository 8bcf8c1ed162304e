// ocilab's stand-in for the podinfo container in offline kind runs (scripts/kind-image):
// it answers what the demo manifests ask of podinfo (cluster/demo-app, the podinfo-lite
// chart): `./podinfo --port=N [--level=L]`, GET /readyz and /healthz for the probes, and a
// small JSON page on / with PODINFO_UI_MESSAGE. It is not podinfo.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"os"
	"strconv"
)

func main() {
	port := flag.Int("port", 9898, "HTTP port")
	flag.String("level", "info", "log level (accepted for podinfo's command line; ignored)")
	flag.Parse()
	host, _ := os.Hostname()
	msg := os.Getenv("PODINFO_UI_MESSAGE")
	mux := http.NewServeMux()
	ok := func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("{\"status\":\"OK\"}\n")) }
	mux.HandleFunc("/readyz", ok)
	mux.HandleFunc("/healthz", ok)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"hostname": host, "message": msg, "app": "ocilab demo-app (podinfo stand-in)"})
	})
	addr := ":" + strconv.Itoa(*port)
	log.Printf("listening on %s", addr)
	log.Fatal(http.ListenAndServe(addr, mux))
}
