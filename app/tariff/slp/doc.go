// Package slp spreads an annual consumption over a German standard load
// profile (Standardlastprofil), for customers whose meters give no curve.
//
// Sources: the 2025 profiles H25, G25, L25, P25 and S25 as BDEW
// (Bundesverband der Energie- und Wasserwirtschaft) published them on
// 18 March 2025 ("Standardlastprofile Strom"), and the 1999 profiles H0,
// G0 to G6 and L0 to L2 of VDEW ("Repräsentative VDEW-Lastprofile", 1999).
// The files in data/ are the machine-readable copies of the oemof
// demandlib project (src/demandlib/bdew/bdew_data/, MIT licence, see
// data/LICENSE-demandlib.txt), embedded unchanged.
//
// Units: every weight is kWh in a quarter hour for a customer using
// 1,000,000 kWh a year, as the 2025 tables state it. demandlib's 1999 file
// gives the mean power in kW for 1,000 kWh a year (a year of a typical day
// sums to about 4,000), so its values are multiplied by 250 to match.
//
// Calendar: day types, months, seasons and clock times are those of the
// customer's zone. A day is WT (Monday to Friday), SA (Saturday, and 24 and
// 31 December unless a Sunday) or FT (Sunday or a nationwide public holiday,
// see IsHoliday). The 2025 tables have a column per month and day type; the
// 1999 ones a typical day per season (winter 1 November to 20 March, summer
// 15 May to 14 September, transition otherwise) and day type.
//
// Clock changes: each quarter hour takes the row of its local clock time,
// as the tables are in legal time. On the spring day (92 quarter hours) the
// rows 02:00 to 02:45 are therefore skipped; on the autumn day (100) they
// are used twice, once in summer time and once in winter time. The profile
// is not rescaled for the lost or extra hour: the curve's scaling to the
// annual consumption absorbs it, as in BDEW's own yearly tables.
//
// Dynamisation: H25, P25, S25 and H0 multiply each day's values by
// F(t) = −3.92e-10·t⁴ + 3.2e-7·t³ − 7.02e-5·t² + 2.1e-3·t + 1.24, t the
// day of the year (1 on 1 January, 366 on 31 December of a leap year).
// For H0 the factor is rounded to four decimals as the VDEW instructions
// say; for the 2025 profiles BDEW gives no rounding, so none is applied.
package slp
