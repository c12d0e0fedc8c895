"""pyqtgraph charts of the Value view (imported only when that view is built)."""
