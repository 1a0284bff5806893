package io.raftkv.jepsen.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.jepsen.analysis.CompletedOp;
import io.raftkv.jepsen.analysis.RunAnalysis;
import io.raftkv.jepsen.analysis.Validity;
import io.raftkv.jepsen.client.HistoryRecorder;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The report as a person opens it: the run timeline parses as XML (so a browser has nothing to
 * guess), has one lane per client process and names each one, shades the nemesis window, marks the
 * op that cannot be linearized; the three PNGs are real images of the plotted size. The history
 * is made with the recorder: a stale read of key k0 by process 2 after process 1's acknowledged
 * write, and a process retired after an info.
 */
class RunReportTest {
  private static History staleReadHistory() {
    HistoryRecorder recorder = new HistoryRecorder();
    Op write = recorder.invoke(0, "write", "k0", 1L);
    recorder.complete(write, OpType.OK, 1L);
    recorder.nemesis("start-partition-one", "1 x [2, 3]");
    Op write2 = recorder.invoke(1, "write", "k0", 2L);
    recorder.complete(write2, OpType.OK, 2L);
    Op stale = recorder.invoke(2, "read", "k0", null);
    recorder.complete(stale, OpType.OK, 1L);
    Op lost = recorder.invoke(3, "cas", "k1", List.of(1L, 2L));
    recorder.complete(lost, OpType.INFO, List.of(1L, 2L));
    Op next = recorder.invoke(6, "read", "k1", null);
    recorder.complete(next, OpType.OK, null);
    recorder.nemesis("stop-partition-one", "partition removed");
    return recorder.history("test");
  }

  @Test
  void timelineParsesAndNamesEveryProcessAndTheAnomaly() throws Exception {
    History history = staleReadHistory();
    Map<String, Object> finalReads = new java.util.HashMap<>();
    finalReads.put("k0", 2L);
    finalReads.put("k1", null);
    RunAnalysis analysis = RunAnalysis.of(history, finalReads, Duration.ofSeconds(10));
    assertEquals(Validity.FALSE, analysis.valid());
    List<FaultSpan> faults = List.of(new FaultSpan("partition-one", "1 x [2, 3]", history.ops().get(2).time(),
        history.ops().get(11).time()));
    String html = RunTimelineHtml.render("test <run>", history, faults, analysis.check(), analysis.anomaly());
    Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    NodeList groups = document.getElementsByTagName("g");
    TreeSet<Long> lanes = new TreeSet<>();
    int nemesisWindows = 0;
    for (int i = 0; i < groups.getLength(); i++) {
      Element group = (Element) groups.item(i);
      if (group.getAttribute("class").equals("lane")) {
        long process = Long.parseLong(group.getAttribute("data-process"));
        assertTrue(lanes.add(process), "one lane per process");
        assertTrue(group.getTextContent().contains("process " + process), "lane names its process");
      } else if (group.getAttribute("class").equals("nemesis")) {
        nemesisWindows++;
      }
    }
    assertEquals(new TreeSet<>(List.of(0L, 1L, 2L, 3L, 6L)), lanes);
    assertEquals(1, nemesisWindows);
    assertEquals(1, count(document, "rect", "blocking"), "the stale read is marked");
    assertTrue(html.contains("cannot linearize"), "the anomaly's text heads the page");
  }

  @Test
  void plotsAreNonEmptyImages(@TempDir Path dir) throws Exception {
    History history = staleReadHistory();
    RunPlots.write(dir, CompletedOp.of(history), List.of(new FaultSpan("kill", "node 1", 0, 1_000_000)));
    for (String file : RunPlots.FILES) {
      byte[] png = Files.readAllBytes(dir.resolve(file));
      assertTrue(png.length > 5_000, file + " has " + png.length + " bytes");
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      assertNotNull(image, file + " is a PNG");
      assertEquals(1000, image.getWidth());
      assertEquals(500, image.getHeight());
    }
  }

  private static int count(Document document, String tag, String css) {
    NodeList nodes = document.getElementsByTagName(tag);
    int count = 0;
    for (int i = 0; i < nodes.getLength(); i++) {
      if (((Element) nodes.item(i)).getAttribute("class").split(" ")[0].equals(css)) {
        count++;
      }
    }
    return count;
  }
}
