package web

import (
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"wattfolio/app"
)

func TestZZServe(t *testing.T) {
	if os.Getenv("WF_SERVE") == "" {
		t.Skip()
	}
	s := seeded(t)
	var cs []app.Contract
	for i := range 120 {
		cs = append(cs, app.Contract{ExternalID: fmt.Sprintf("X%03d", i), Kind: app.KindRetail, Commodity: app.CommodityElectricity, Status: []string{"active", "ended", "pending"}[i%3],
			Customer: app.Customer{ExternalID: fmt.Sprintf("K-%d", 2000+i), Name: fmt.Sprintf("Kunde %03d Handels GmbH & Co. KG", i)},
			Name: fmt.Sprintf("Strom Business %d – Kunde %03d", i%24, i), Product: app.Product{Name: "Strom Business 24"},
			ValidFrom: utcDay(2025, time.Month(1+i%12), 1), ValidTo: utcDay(2027, 1, 1),
			Prices: app.Prices{Currency: "EUR", BasePerYear: dec(fmt.Sprintf("%d.88", 100+i*17)), WorkingPerKWh: dec(fmt.Sprintf("0.2%03d", i*7))},
			AnnualConsumptionKWh: dec(fmt.Sprint(1500 + i*913)), MeterID: fmt.Sprintf("DE000123456789000000000000%07d", i), Raw: []byte(`{"a":1}`)})
	}
	syncSource(t, s, srcEnneo, cs, nil, app.RunOK, "")
	syncSource(t, s, srcOtark, fixtures()[srcOtark], []*app.RecordError{{Source: srcOtark, Record: "trade 4711", Field: "price", Err: fmt.Errorf("not a number")}}, app.RunPartial, "")
	o := testOptions(s)
	o.Now = func() time.Time { return time.Now().Add(30 * time.Hour) }
	o.Syncer = &fakeSyncer{}
	srv := &http.Server{Addr: "127.0.0.1:18080", Handler: New(o)}
	go srv.ListenAndServe()
	time.Sleep(150 * time.Second)
	srv.Close()
}
