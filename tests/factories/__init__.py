"""factory_boy factories, one module per domain app, each writing through the app's real services.

A factory never writes a row a service would have computed differently: areas get their paths from
`areas.services`, people are cleaned and sealed by `people.services.person_register`, samples are
scans through `testing.scanning.scans_record`. The data looks like a real neighbourhood's: Chinese
names, 18-digit resident ID numbers with the right check digit, mobile numbers 1[3-9]x.
"""
