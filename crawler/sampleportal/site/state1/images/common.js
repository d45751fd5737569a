function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount <= 1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0) document.write("<span>首页</span> ");
  else document.write("<a href=\"" + _sPageName + "." + _sPageExt + "\">首页</a> ");
  if(nCurrIndex > 0) document.write("<a href=\"" + (nCurrIndex == 1 ? _sPageName : _sPageName + "_" + (nCurrIndex - 1)) + "." + _sPageExt + "\">上一页</a> ");
  if(nCurrIndex + 1 < _nPageCount) document.write("<a href=\"" + _sPageName + "_" + (nCurrIndex + 1) + "." + _sPageExt + "\">下一页</a> ");
  document.write("<a href=\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt + "\">尾页</a>");
}
