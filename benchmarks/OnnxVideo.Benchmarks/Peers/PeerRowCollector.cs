using OnnxVideo.Ort;

namespace OnnxVideo.Benchmarks.Peers;

/// <summary>
/// Measures peer rows one after another and prints each as it comes. A side that cannot run gives a row with
/// its reason instead of ending the comparison; a peer not installed here gives a skipped row.
/// </summary>
public sealed class PeerRowCollector
{
    private readonly List<PeerRow> rows = [];

    public IReadOnlyList<PeerRow> Rows => rows;

    public void Add(Func<PeerRow> measure, string task, string peer) => AddRows(() => [measure()], (task, peer));

    /// <summary>Rows measured together; <paramref name="expected"/> names them for the failure and skip rows.</summary>
    public void AddRows(Func<IReadOnlyList<PeerRow>> measure, params (string Task, string Peer)[] expected)
    {
        Console.WriteLine($"  {string.Join(" / ", expected.Select(e => e.Task).Distinct())} vs {expected[0].Peer} …");
        IReadOnlyList<PeerRow> measured;
        try
        {
            measured = measure();
        }
        catch (PeerSkippedException e)
        {
            measured = expected.Select(x => PeerRow.Skip(x.Task, x.Peer, e.Message)).ToList();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OrtException or System.ComponentModel.Win32Exception or ArgumentException)
        {
            measured = expected.Select(x => new PeerRow(x.Task, x.Peer, null, null, "could not run: " + e.Message.Split('\n')[0])).ToList();
        }

        foreach (var row in measured)
        {
            rows.Add(row);
            Console.WriteLine($"    ours {PeerChart.Seconds(row.OursSeconds)}, peer {PeerChart.Seconds(row.PeerSeconds)}{(row.Note.Length > 0 ? $" ({row.Note})" : "")}");
        }
    }
}
