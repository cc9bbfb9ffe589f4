using OnnxVideo.Cli.Commands;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Cli.Tests;

/// <summary>Labels and metadata are untrusted: <c>info</c>'s text report escapes their control characters; JSON stays exact.</summary>
public sealed class InfoTerminalEscapeTests : IDisposable
{
    private const string Hostile = "\u001b]0;PWNED\u0007\u001b[2J";
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string SaveHostileModel()
    {
        var g = new GraphBuilder("tiny_video");
        var x = g.Input("clips", DataType.Float, "N", 3, 2, 4, 4);
        g.Output(g.Node("Flatten", [g.Node("GlobalAveragePool", [x])]), DataType.Float, "N", 3);
        var model = OnnxModels.Create(g.Graph);
        var contract = new PreprocessingContract { Frames = 2, CropSize = 4, ResizeShortSide = 4, Labels = ["ok", Hostile, "bidi\u202Eevil"] };
        ModelMetadata.Set(model, PreprocessingContract.MetadataKey, contract.ToJson());
        ModelMetadata.Set(model, "author" + Hostile, "value" + Hostile);
        var path = temp.File("hostile.onnx");
        OnnxModelFile.Save(model, path);
        return path;
    }

    [Fact]
    public void TextReportEscapesControlCharactersOfLabelsAndMetadata()
    {
        var output = new StringWriter();
        Assert.Equal(0, InfoCommand.Run(SaveHostileModel(), asJson: false, output, new StringWriter()));
        var text = output.ToString();
        Assert.Contains(@"\x1b]0;PWNED\x07\x1b[2J", text);
        Assert.Contains(@"bidi\u202eevil", text);
        Assert.Contains(@"author\x1b]0;PWNED\x07\x1b[2J = value\x1b]0;PWNED", text);
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u0007', text);
        Assert.DoesNotContain('\u202E', text);
    }

    [Fact]
    public void JsonReportKeepsTheExactLabels()
    {
        var output = new StringWriter();
        Assert.Equal(0, InfoCommand.Run(SaveHostileModel(), asJson: true, output, new StringWriter()));
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        var labels = json.RootElement.GetProperty("contract").GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Equal(["ok", Hostile, "bidi\u202Eevil"], labels);
        Assert.DoesNotContain('\u001b', output.ToString());
    }
}
