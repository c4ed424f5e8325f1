"""Exporters: ``pdf`` (draws the laid-out pages) and ``docx`` (Word lays out).

Import the submodule you need (``from gongwen.export.pdf import render_pdf``); this
package imports neither, so a DOCX run does not load reportlab.
"""
