using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OnnxVideo.CommandLine;
using OnnxVideo.Media;

namespace OnnxVideo.Cli.Commands;

/// <summary><c>onnxvideo info &lt;model.onnx&gt; [--json]</c>: what a model takes and gives, and what this machine can run it on.</summary>
public static class InfoCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Path of the .onnx model file" };
        var json = CommonOptions.Json("the report");
        var command = new Command("info", "Show a model's inputs, outputs, opsets, metadata, size, parameters, and the ONNX Runtime execution providers usable here");
        command.Arguments.Add(model);
        command.Options.Add(json);
        command.SetHandler((parse, _) => Task.FromResult(Run(parse.GetValue(model)!, parse.GetValue(json), Console.Out, Console.Error)));
        return command;
    }

    /// <summary>Writes the report; returns 0, or 2 with a one-line error naming the file.</summary>
    public static int Run(string modelPath, bool asJson, TextWriter output, TextWriter error)
    {
        ModelInfo info;
        try
        {
            info = ModelInfo.Read(modelPath);
        }
        catch (UserInputException e)
        {
            return CliProgram.Report(e, error);
        }

        output.Write(asJson ? JsonSerializer.Serialize(info, JsonOptions) + Environment.NewLine : Render(info));
        return 0;
    }

    private static string Render(ModelInfo info)
    {
        var text = new StringBuilder();
        void Line(string label, string value) => text.Append(CultureInfo.InvariantCulture, $"{label,-16}{TerminalText.Escape(value)}{Environment.NewLine}");

        Line("Model", info.Path);
        Line("File size", Bytes(info.FileSizeBytes) + (info.ExternalDataBytes > 0 ? $" + {Bytes(info.ExternalDataBytes)} external data" : string.Empty));
        Line("Parameters", info.ParameterCount.ToString("N0", CultureInfo.InvariantCulture));
        Line("IR version", info.IrVersion.ToString(CultureInfo.InvariantCulture));
        Line("Producer", $"{info.ProducerName} {info.ProducerVersion}".Trim());
        Line("Opsets", string.Join(", ", info.Opsets.Select(o => $"{o.Key} {o.Value}")));
        text.AppendLine();
        text.AppendLine("Inputs");
        foreach (var input in info.Inputs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {TerminalText.Escape(input.ToString())}");
        }

        text.AppendLine("Outputs");
        foreach (var output in info.Outputs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {TerminalText.Escape(output.ToString())}");
        }

        var otherMetadata = info.Metadata.Where(m => m.Key != PreprocessingContract.MetadataKey).ToList();
        if (otherMetadata.Count > 0)
        {
            text.AppendLine("Metadata");
            foreach (var (key, value) in otherMetadata)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {TerminalText.Escape(key)} = {TerminalText.Escape(value)}");
            }
        }

        if (info.Contract is { } contract)
        {
            RenderContract(text, contract);
        }
        else if (info.ContractError is { } contractError)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Preprocessing contract: invalid ({TerminalText.Escape(contractError)})");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Preprocessing contract: none (no '{PreprocessingContract.MetadataKey}' metadata; supply one to classify)");
        }

        text.AppendLine();
        Line("ONNX Runtime", $"{info.OrtVersion} ({info.OrtLibrary})");
        Line("Compiled in", string.Join(", ", info.CompiledProviders));
        text.AppendLine("Execution providers");
        foreach (var provider in info.ExecutionProviders)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {provider.Provider,-9}{(provider.IsUsable ? "usable" : "not usable")}: {provider.Detail}");
        }

        text.AppendLine("Devices (GetEpDevices)");
        foreach (var device in info.Devices.Devices)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {device.EpName,-24}{device.DeviceType} {device.DeviceId}, vendor {device.DeviceVendor} (0x{device.VendorId:x4}), provider vendor {device.EpVendor}");
        }

        foreach (var unregistered in info.Devices.Unregistered)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {unregistered.Provider,-24}not registered: {unregistered.Reason}");
        }

        return text.ToString();
    }

    private static void RenderContract(StringBuilder text, PreprocessingContract contract)
    {
        static string Numbers(float[] values) => "[" + string.Join(", ", values.Select(v => v.ToString("0.####", CultureInfo.InvariantCulture))) + "]";
        var sampling = contract.Sampling == SamplingMode.Dense ? $"{contract.Sampling}, stride {contract.Stride}" : contract.Sampling.ToString();
        text.AppendLine(CultureInfo.InvariantCulture, $"Preprocessing contract ({PreprocessingContract.MetadataKey})");
        text.AppendLine(CultureInfo.InvariantCulture, $"  frames        {contract.Frames} ({sampling})");
        text.AppendLine(CultureInfo.InvariantCulture, $"  test views    {contract.TestClips} clip(s) x {contract.TestCrops} crop(s)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  resize/crop   short side {contract.ResizeShortSide}, crop {contract.CropSize}x{contract.CropSize}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  mean / std    {Numbers(contract.Mean)} / {Numbers(contract.Std)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  channels      {contract.ChannelOrder}, layout {contract.Layout}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  labels ({contract.Labels.Length})    {TerminalText.Escape(string.Join(", ", contract.Labels))}");
    }

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB ({bytes:N0} bytes)"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB ({bytes:N0} bytes)"),
    };
}
