using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DocumentRecognitionReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CorrectionsCipher",
                table: "DocumentRecognitions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "FulfilledRequestItemId",
                table: "DocumentRecognitions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SuggestionDismissedAt",
                table: "DocumentRecognitions",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CorrectionsCipher",
                table: "DocumentRecognitions");

            migrationBuilder.DropColumn(
                name: "FulfilledRequestItemId",
                table: "DocumentRecognitions");

            migrationBuilder.DropColumn(
                name: "SuggestionDismissedAt",
                table: "DocumentRecognitions");
        }
    }
}
