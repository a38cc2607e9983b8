"""扫描计票 — scanned 定岗推荐票 (SPEC §12, issue 17): a library; nothing here opens a database or a window.

- :mod:`.layout` (pure): the ballot's boxes as data, their canonical JSON and SHA-256, the QR payload;
- :mod:`.render`: ``draw_scannable_ballot`` on any ReportLab canvas, ``ballot_pdf``, rasterising;
- :mod:`.reader`: ``Reader(layouts).read_folder(folder)`` → pages read / rejected / blank, with
  :mod:`.sources` (files → pages), :mod:`.align` (QR, fiducials, warp) and :mod:`.measure` (fills,
  thresholds, marks);
- the test corpus: :mod:`.marks`, :mod:`.degrade`, :mod:`.corpus`, :mod:`.scoring`;
  ``python -m app.scan corpus|read`` without a campaign file.

Importing the package imports nothing else (numpy, Pillow and zxing-cpp load with the modules).
"""
