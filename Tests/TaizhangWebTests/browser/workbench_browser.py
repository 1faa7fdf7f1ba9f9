#!/usr/bin/env python3
"""The web workbench in a real browser (Debian's chromium through chromedriver and Selenium).

Usage: workbench_browser.py BASE_URL ARTEFACTS_DIR FAULTY_RETURN.xlsx PROVINCE_NAME UNIT_NAME PASSWORD

Signs in as the province, uploads a faulty return through the file input, sees its findings, downloads the
annotated workbook and opens it with openpyxl, sees the board change; signs in as the unit's clerk and self-checks
the same file. Saves a full-page screenshot of every page in ARTEFACTS_DIR. Exits non-zero on the first failure,
with the reason on stderr.
"""
import os
import shutil
import sys
import time

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def fail(message):
    print("浏览器测试失败：" + message, file=sys.stderr)
    sys.exit(1)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    fail("没有安装 selenium（pip install selenium；scripts/install-deps.sh 会安装）")
try:
    import openpyxl
except ImportError:
    fail("没有安装 openpyxl")
if not os.path.exists(CHROMIUM) or not os.path.exists(DRIVER):
    fail("没有找到 chromium 或 chromedriver（apt-get install chromium chromium-driver；scripts/install-deps.sh 会安装）")

base, artefacts, faulty, province, unit_user, password = sys.argv[1:7]
os.makedirs(artefacts, exist_ok=True)
downloads = os.path.join(artefacts, "downloads")
shutil.rmtree(downloads, ignore_errors=True)
os.makedirs(downloads)

options = webdriver.ChromeOptions()
options.binary_location = CHROMIUM
for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN",
                 "--window-size=1400,1000"]:
    options.add_argument(argument)
options.add_experimental_option("prefs", {
    "download.default_directory": downloads, "download.prompt_for_download": False,
    "intl.accept_languages": "zh-CN,zh"})
driver = webdriver.Chrome(service=Service(DRIVER), options=options)
wait = WebDriverWait(driver, 30)
shots = []


def shot(name):
    """A full-page screenshot: the window made as tall as the page first."""
    height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    driver.set_window_size(1400, min(max(height + 40, 600), 6000))
    path = os.path.join(artefacts, name + ".png")
    driver.save_screenshot(path)
    shots.append(path)
    driver.set_window_size(1400, 1000)


def board_cell(unit, column_title_index):
    row = driver.find_element(By.XPATH, "//table[@id='board']/tbody/tr[th/a[text()='%s']]" % unit)
    return row.find_elements(By.TAG_NAME, "td")[column_title_index]


def progress_column():
    """The index of June's 工作进展台账 column in the board's body rows."""
    heads = driver.find_elements(By.XPATH, "//table[@id='board']/thead/tr[2]/th")
    titles = [h.text for h in heads]
    # The last period's columns come last; its 工作进展台账 is the last such title.
    return max(i for i, t in enumerate(titles) if t == "工作进展台账")


def sign_in(name):
    driver.get(base + "/")
    wait.until(EC.presence_of_element_located((By.NAME, "password")))
    driver.find_element(By.NAME, "name").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


try:
    # Anonymous: the sign-in page.
    driver.get(base + "/")
    wait.until(EC.presence_of_element_located((By.NAME, "password")))
    if "登录" not in driver.page_source:
        fail("未登录时没有显示登录页")
    shot("01-登录")

    sign_in(province)
    wait.until(EC.presence_of_element_located((By.ID, "board")))
    if "报送情况总览" not in driver.title + driver.page_source:
        fail("登录后没有看到报送总览")
    column = progress_column()
    before = board_cell("朝阳", column)
    if "s-missing" not in before.get_attribute("class"):
        fail("上传前朝阳6月工作进展台账应为“未报送”，看到的是：" + before.text)
    shot("02-报送总览-上传前")

    # Upload the faulty return through the file input (the page's script posts it with a progress bar).
    driver.get(base + "/upload")
    wait.until(EC.presence_of_element_located((By.ID, "files")))
    shot("03-接收报送")
    driver.find_element(By.ID, "files").send_keys(os.path.abspath(faulty))
    wait.until(EC.presence_of_element_located((By.ID, "upload-results")))
    results = driver.find_element(By.ID, "upload-results").text
    if "已退回" not in results:
        fail("上传结果中没有“已退回”：" + results)
    shot("04-接收报送-结果")

    # Its findings, cell by cell.
    driver.find_element(By.CSS_SELECTOR, "#upload-results a[href^='/submissions/']").click()
    wait.until(EC.presence_of_element_located((By.ID, "findings")))
    rows = driver.find_elements(By.CSS_SELECTOR, "#findings tbody tr")
    if len(rows) < 5 or "不能为空" not in driver.find_element(By.ID, "findings").text:
        fail("报送页没有列出检查发现的问题")
    shot("05-报送详情")

    # The annotated workbook, opened with openpyxl.
    driver.find_element(By.ID, "download-annotated").click()
    deadline = time.time() + 30
    got = []
    while time.time() < deadline:
        got = [f for f in os.listdir(downloads) if f.endswith(".xlsx")]
        if got:
            break
        time.sleep(0.2)
    if not got:
        fail("没有下载到标注问题的工作簿")
    annotated = os.path.join(downloads, got[0])
    if "退回修改" not in got[0]:
        fail("下载的文件名不对：" + got[0])
    workbook = openpyxl.load_workbook(annotated)
    if workbook.sheetnames[0] != "退回修改意见":
        fail("标注工作簿的第一个工作表应为“退回修改意见”：%r" % workbook.sheetnames)
    comments = sum(1 for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.comment is not None)
    if comments == 0:
        fail("标注工作簿中没有批注")
    print("标注工作簿：%s，%d 个工作表，%d 条批注" % (got[0], len(workbook.sheetnames), comments))

    # The board has changed.
    driver.get(base + "/")
    wait.until(EC.presence_of_element_located((By.ID, "board")))
    after = board_cell("朝阳", progress_column())
    if "s-returned" not in after.get_attribute("class"):
        fail("上传后朝阳6月工作进展台账应为“已退回”，看到的是：" + after.text)
    shot("06-报送总览-上传后")

    for path, name in [("/units/chaoyang", "07-单位页"), ("/check", "08-自检"), ("/templates", "09-填报模板"),
                       ("/reports", "10-汇总报告")]:
        driver.get(base + path)
        wait.until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
        shot(name)

    # Sign out; the unit's clerk self-checks the same file: findings, nothing stored.
    driver.find_element(By.CSS_SELECTOR, "form.logout button").click()
    wait.until(EC.presence_of_element_located((By.NAME, "password")))
    sign_in(unit_user)
    wait.until(EC.presence_of_element_located((By.ID, "unit-board")))
    if "沈阳市工业和信息化局" in driver.page_source:
        fail("单位用户看到了其他单位的内容")
    shot("11-单位用户-本单位")
    driver.get(base + "/check")
    wait.until(EC.presence_of_element_located((By.ID, "files")))
    driver.find_element(By.ID, "files").send_keys(os.path.abspath(faulty))
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#results .check-result")))
    if "不能为空" not in driver.find_element(By.ID, "results").text:
        fail("自检结果中没有列出问题")
    shot("12-单位用户-自检结果")
    driver.get(base + "/reports")
    if "无权访问" not in driver.page_source:
        fail("单位用户打开汇总报告页时应被拒绝")
    shot("13-单位用户-无权访问")
    print("浏览器测试通过：%d 张截图在 %s" % (len(shots), artefacts))
finally:
    driver.quit()
