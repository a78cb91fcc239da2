// Runs EPUBCheck on several EPUBs in one Java process, for tests/test_epub.py.
//
// EPUBCheck's start-up (loading its schemas) takes about ten seconds and each
// further book well under one, so the tests check all their books in one run.
// Java runs this file from source (JEP 330), with EPUBCheck's jar on the class path:
//
//   java -cp epubcheck.jar tests/epub_check.java REPORT.json BOOK.epub [REPORT.json BOOK.epub ...]
//
// Each book's report is EPUBCheck's own JSON report. The exit status is the
// worst of EPUBCheck's statuses (0: no errors).
import com.adobe.epubcheck.tool.EpubChecker;

public class EpubCheckMany {
    public static void main(String[] args) {
        int worst = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            int status = new EpubChecker().run(new String[] {args[i + 1], "--json", args[i], "--quiet"});
            worst = Math.max(worst, status);
        }
        System.exit(worst);
    }
}
