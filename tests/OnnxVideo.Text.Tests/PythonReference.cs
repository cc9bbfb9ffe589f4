using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxVideo.Text.Tests;

/// <summary>Runs Reference/caption_metrics_reference.py with Debian's /usr/bin/python3 on a set of items.</summary>
internal static class PythonReference
{
    public sealed record Scores(double Bleu4, double? Bleu4Nltk, double CiderD);

    /// <summary>The reference scores of each set, from one run of the script (NLTK's import is slow).</summary>
    public static Scores[] Run(IEnumerable<(string[] Hypotheses, IReadOnlyList<IReadOnlyList<string>> References)> sets)
    {
        var json = new JsonArray(sets.Select(set => (JsonNode)new JsonObject
        {
            ["items"] = new JsonArray(set.Hypotheses.Select((h, i) => (JsonNode)new JsonObject
            {
                ["hypothesis"] = h,
                ["references"] = new JsonArray(set.References[i].Select(r => (JsonNode)JsonValue.Create(r)!).ToArray()),
            }).ToArray()),
        }).ToArray());
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Reference", "caption_metrics_reference.py"));
        using var process = Process.Start(start)!;
        process.StandardInput.Write(new JsonObject { ["sets"] = json }.ToJsonString());
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"caption_metrics_reference.py failed ({process.ExitCode}): {stdout}{stderr.Result}");
        }
        return JsonDocument.Parse(stdout).RootElement.EnumerateArray().Select(result =>
        {
            var nltk = result.GetProperty("bleu4_nltk");
            return new Scores(result.GetProperty("bleu4").GetDouble(), nltk.ValueKind == JsonValueKind.Null ? null : nltk.GetDouble(),
                result.GetProperty("cider_d").GetDouble());
        }).ToArray();
    }

    /// <summary>Whether Debian's python3-nltk is importable by /usr/bin/python3 (./build.sh test installs it).</summary>
    public static bool NltkIsInstalled()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", "import nltk"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
